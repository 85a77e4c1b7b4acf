//! The demo workspace's plan: real park names in their real districts, with synthetic
//! clusters placed at chosen distances from the real rivers, and which problem each
//! cluster is built to show. Everything generated from it is synthetic and labelled so.

/// Where a cluster goes: at a distance from a river near a hint, or at a hint.
#[derive(Debug, Clone, Copy)]
pub enum Place {
    /// Nearest edge `distance_m` from the named river, on the side of the hint point.
    River {
        river: &'static str,
        lon: f64,
        lat: f64,
        distance_m: f64,
    },
    /// Centred at the hint, far from the main rivers.
    Free { lon: f64, lat: f64 },
}

/// Problems a cluster is built to show (besides defects, which are spread at random).
#[derive(Debug, Clone, Copy, Default)]
pub struct Roles {
    pub demo: bool,
    pub cross_connection: bool,
    pub sewage_outfall: bool,
    pub combined_outfall: bool,
    pub unmatched_outfall: bool,
    pub uncovered_enterprise: bool,
    pub not_connected_enterprise: bool,
    pub enterprise_outside: bool,
    /// No transfer main to the plant: the sewer trunk ends nowhere.
    pub no_plant_link: bool,
    pub bow_tie_site: bool,
    pub pipe_without_geometry: bool,
    /// How many of the cluster's seven manual questions (在线监控 … 巴渝治水, in that
    /// order) are left unanswered; with any, one enterprise's answers are left out too.
    pub answers_missing: u8,
    /// No manual answer at all, and no inspection: a cluster whose survey has not begun.
    pub paperwork_none: bool,
    /// Its storm outfalls were never inspected in dry weather.
    pub uninspected: bool,
    /// Storm outfall YS1 was flowing at its latest dry-weather inspection (晴天排水).
    pub dry_flow: bool,
    /// YS1 flowed in dry weather once, and a later dry inspection found it dry.
    pub dry_flow_cleared: bool,
    /// Storm outfall YS2's latest sample, on a rainy day, exceeds the limits (雨天污水).
    pub polluted_storm: bool,
    /// What a pipeline survey finds on the sewer trunk: its fifth pipe leaves 0.08 m above
    /// where the fourth arrives (管底倒挂) and its sixth is narrower than the fifth (大管接
    /// 小管); one branch was surveyed from its lower end (its levels turn it round).
    pub survey_defects: bool,
}

#[derive(Debug, Clone)]
pub struct ClusterPlan {
    pub suffix: &'static str,
    pub name: &'static str,
    pub place: Place,
    pub enterprises: usize,
    pub roles: Roles,
}

#[derive(Debug, Clone)]
pub struct ParkPlan {
    pub id: &'static str,
    pub name: &'static str,
    pub district: &'static str,
    pub national: bool,
    pub plant_overloaded: bool,
    pub clusters: Vec<ClusterPlan>,
}

fn yangtze(lon: f64, lat: f64, distance_m: f64) -> Place {
    Place::River {
        river: "长江",
        lon,
        lat,
        distance_m,
    }
}

fn jialing(lon: f64, lat: f64, distance_m: f64) -> Place {
    Place::River {
        river: "嘉陵江",
        lon,
        lat,
        distance_m,
    }
}

fn cluster(
    suffix: &'static str,
    name: &'static str,
    place: Place,
    enterprises: usize,
    roles: Roles,
) -> ClusterPlan {
    ClusterPlan {
        suffix,
        name,
        place,
        enterprises,
        roles,
    }
}

fn none() -> Roles {
    Roles::default()
}

/// The Chongqing demo: 11 parks (7 national-level), 25 clusters.
pub fn chongqing() -> Vec<ParkPlan> {
    vec![
        ParkPlan {
            id: "CQJK",
            name: "重庆经济技术开发区",
            district: "南岸区",
            national: true,
            plant_overloaded: true,
            clusters: vec![
                cluster(
                    "A",
                    "茶园组团",
                    yangtze(106.71, 29.55, 200.0),
                    12,
                    Roles {
                        demo: true,
                        cross_connection: true,
                        enterprise_outside: true,
                        ..none()
                    },
                ),
                cluster(
                    "B",
                    "长生桥组团",
                    yangtze(106.60, 29.50, 800.0),
                    10,
                    Roles {
                        unmatched_outfall: true,
                        answers_missing: 1,
                        survey_defects: true,
                        ..none()
                    },
                ),
                cluster("C", "迎龙组团", yangtze(106.76, 29.50, 2500.0), 8, none()),
            ],
        },
        ParkPlan {
            id: "CSJK",
            name: "长寿经济技术开发区",
            district: "长寿区",
            national: true,
            plant_overloaded: false,
            clusters: vec![
                cluster(
                    "A",
                    "晏家化工组团",
                    yangtze(107.06, 29.79, 150.0),
                    14,
                    Roles {
                        demo: true,
                        sewage_outfall: true,
                        ..none()
                    },
                ),
                cluster(
                    "B",
                    "江南组团",
                    yangtze(107.10, 29.78, 600.0),
                    9,
                    Roles {
                        uncovered_enterprise: true,
                        answers_missing: 1,
                        ..none()
                    },
                ),
                cluster(
                    "C",
                    "预留发展组团",
                    yangtze(107.00, 29.84, 3000.0),
                    0,
                    none(),
                ),
            ],
        },
        ParkPlan {
            id: "WZJK",
            name: "万州经济技术开发区",
            district: "万州区",
            national: true,
            plant_overloaded: false,
            clusters: vec![
                cluster(
                    "A",
                    "高峰组团",
                    yangtze(108.36, 30.78, 400.0),
                    10,
                    Roles {
                        not_connected_enterprise: true,
                        ..none()
                    },
                ),
                cluster(
                    "B",
                    "九龙组团",
                    yangtze(108.42, 30.84, 1800.0),
                    7,
                    Roles {
                        combined_outfall: true,
                        ..none()
                    },
                ),
            ],
        },
        ParkPlan {
            id: "FLZB",
            name: "重庆涪陵综合保税区",
            district: "涪陵区",
            national: true,
            plant_overloaded: false,
            clusters: vec![cluster(
                "A",
                "保税加工组团",
                yangtze(107.36, 29.71, 700.0),
                6,
                Roles {
                    bow_tie_site: true,
                    dry_flow: true,
                    ..none()
                },
            )],
        },
        ParkPlan {
            id: "JJGY",
            name: "江津工业园区",
            district: "江津区",
            national: false,
            plant_overloaded: false,
            clusters: vec![
                cluster(
                    "A",
                    "德感组团",
                    yangtze(106.25, 29.30, 990.0),
                    8,
                    Roles {
                        dry_flow_cleared: true,
                        ..none()
                    },
                ),
                cluster(
                    "B",
                    "双福组团",
                    yangtze(106.20, 29.32, 1010.0),
                    8,
                    Roles {
                        no_plant_link: true,
                        ..none()
                    },
                ),
            ],
        },
        ParkPlan {
            id: "FDGY",
            name: "丰都工业园区",
            district: "丰都县",
            national: false,
            plant_overloaded: true,
            clusters: vec![
                cluster(
                    "A",
                    "水天坪组团",
                    yangtze(107.74, 29.88, 500.0),
                    7,
                    Roles {
                        pipe_without_geometry: true,
                        answers_missing: 2,
                        ..none()
                    },
                ),
                cluster(
                    "B",
                    "湛普组团",
                    yangtze(107.82, 29.90, 4000.0),
                    6,
                    Roles {
                        paperwork_none: true,
                        ..none()
                    },
                ),
            ],
        },
        ParkPlan {
            id: "HCGY",
            name: "合川工业园区",
            district: "合川区",
            national: false,
            plant_overloaded: false,
            clusters: vec![
                cluster(
                    "A",
                    "草街组团",
                    jialing(106.30, 30.00, 300.0),
                    9,
                    Roles {
                        cross_connection: true,
                        ..none()
                    },
                ),
                cluster(
                    "B",
                    "南溪组团",
                    jialing(106.24, 29.96, 1500.0),
                    6,
                    Roles {
                        answers_missing: 3,
                        ..none()
                    },
                ),
            ],
        },
        ParkPlan {
            id: "BBGY",
            name: "北碚工业园区",
            district: "北碚区",
            national: false,
            plant_overloaded: false,
            clusters: vec![cluster(
                "A",
                "蔡家组团",
                jialing(106.46, 29.80, 200.0),
                8,
                Roles {
                    enterprise_outside: true,
                    ..none()
                },
            )],
        },
        ParkPlan {
            id: "BSGX",
            name: "璧山高新技术产业开发区",
            district: "璧山区",
            national: true,
            plant_overloaded: false,
            clusters: vec![
                cluster(
                    "A",
                    "璧泉组团",
                    Place::Free {
                        lon: 106.22,
                        lat: 29.60,
                    },
                    10,
                    Roles {
                        polluted_storm: true,
                        ..none()
                    },
                ),
                cluster(
                    "B",
                    "青杠组团",
                    Place::Free {
                        lon: 106.18,
                        lat: 29.55,
                    },
                    7,
                    Roles {
                        uncovered_enterprise: true,
                        ..none()
                    },
                ),
            ],
        },
        ParkPlan {
            id: "YCGX",
            name: "永川高新技术产业开发区",
            district: "永川区",
            national: true,
            plant_overloaded: false,
            clusters: vec![
                cluster(
                    "A",
                    "凤凰湖组团",
                    Place::Free {
                        lon: 105.93,
                        lat: 29.37,
                    },
                    9,
                    Roles {
                        sewage_outfall: true,
                        ..none()
                    },
                ),
                cluster(
                    "B",
                    "三教组团",
                    Place::Free {
                        lon: 105.88,
                        lat: 29.42,
                    },
                    6,
                    Roles {
                        uninspected: true,
                        ..none()
                    },
                ),
            ],
        },
        ParkPlan {
            id: "QJGY",
            name: "綦江工业园区",
            district: "綦江区",
            national: false,
            plant_overloaded: false,
            clusters: vec![
                cluster(
                    "A",
                    "桥河组团",
                    Place::Free {
                        lon: 106.65,
                        lat: 29.03,
                    },
                    8,
                    Roles {
                        unmatched_outfall: true,
                        answers_missing: 2,
                        ..none()
                    },
                ),
                cluster(
                    "B",
                    "古南预留组团",
                    Place::Free {
                        lon: 106.68,
                        lat: 29.00,
                    },
                    0,
                    none(),
                ),
            ],
        },
    ]
}
