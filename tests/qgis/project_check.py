"""Open zdz's outputs in QGIS and report what QGIS makes of them.

    project_check.py OUT_DIR PNG_PATH [CLUSTER_FILTER]

Opens OUT_DIR/zdz.qgs (every layer: valid?, renderer type, category values, group), opens
each layer of OUT_DIR/results.gpkg directly (is the default style applied?), and renders
the project to PNG_PATH (1200 x 900; around the clusters CLUSTER_FILTER selects, else all),
reporting how many pixels lie near the legend's colours.
Prints one JSON object. Run with /usr/bin/python3 and QT_QPA_PLATFORM=offscreen.
"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsFeatureRequest,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

out_dir, png = sys.argv[1], sys.argv[2]
app = QgsApplication([], False)
app.initQgis()
report = {"project": {}, "gpkg": {}, "render": {}}

project = QgsProject.instance()
report["project_read"] = project.read(os.path.join(out_dir, "zdz.qgs"))
report["crs"] = project.crs().authid()
root = project.layerTreeRoot()
for tree_layer in root.findLayers():
    layer = tree_layer.layer()
    renderer = layer.renderer() if layer else None
    report["project"][layer.name() if layer else tree_layer.name()] = {
        "valid": bool(layer and layer.isValid()),
        "features": layer.featureCount() if layer else -1,
        "renderer": renderer.type() if renderer else None,
        "categories": [c.value() for c in renderer.categories()] if renderer and renderer.type() == "categorizedSymbol" else [],
        "labels": bool(layer and layer.labelsEnabled()),
        "group": tree_layer.parent().name(),
        "source": layer.source() if layer else None,
    }

gpkg = os.path.join(out_dir, "results.gpkg")
for name in ["clusters", "problems", "outfalls", "pipes", "enterprises", "plants", "parks", "rivers"]:
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    renderer = layer.renderer()
    report["gpkg"][name] = {
        "valid": layer.isValid(),
        "renderer": renderer.type() if renderer else None,
        "categories": len(renderer.categories()) if renderer and renderer.type() == "categorizedSymbol" else 0,
    }
    del renderer, layer

settings = QgsMapSettings()
layers = [l.layer() for l in root.findLayers() if l.layer()]
settings.setLayers(layers)
settings.setDestinationCrs(project.crs())
clusters = project.mapLayersByName("组团 Clusters")[0]
extent = clusters.extent()
if len(sys.argv) > 3:
    request = QgsFeatureRequest().setFilterExpression(sys.argv[3])
    extent = QgsRectangle()
    for feature in clusters.getFeatures(request):
        extent.combineExtentWith(feature.geometry().boundingBox())
extent.scale(1.15)
settings.setExtent(extent)
settings.setOutputSize(QSize(1200, 900))
settings.setBackgroundColor(QColor(255, 255, 255))
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
image.save(png, "png")

# Pixels near each colour of the legend, and pixels that are not background.
wanted = {}
for name in ["组团 Clusters", "管网 Pipes", "问题 Problems"]:
    for layer in project.mapLayersByName(name):
        r = layer.renderer()
        if r.type() == "categorizedSymbol":
            for c in r.categories():
                # A translucent fill shows as its colour over the white background.
                rgba = c.symbol().color().getRgb()
                a = rgba[3] / 255 if c.symbol().type() == 2 else 1.0
                wanted[f"{name}:{c.value()}"] = tuple(round(v * a + 255 * (1 - a)) for v in rgba[:3])
counts = {k: 0 for k in wanted}
non_white = 0
for y in range(0, image.height(), 2):
    for x in range(0, image.width(), 2):
        p = QColor(image.pixel(x, y)).getRgb()[:3]
        if p != (255, 255, 255):
            non_white += 1
        for k, c in wanted.items():
            if abs(p[0] - c[0]) + abs(p[1] - c[1]) + abs(p[2] - c[2]) < 24:
                counts[k] += 1
report["render"] = {"non_white_share": non_white / ((image.width() // 2) * (image.height() // 2)), "colour_pixels": counts}

del job, settings, layers, clusters, image
project.clear()
print(json.dumps(report, ensure_ascii=False))
sys.stdout.flush()
app.exitQgis()
