"""Load a QGIS layer definition (.qlr) and report each layer: valid, renderer, features.

    qlr_check.py FILE.qlr
Run with /usr/bin/python3 and QT_QPA_PLATFORM=offscreen. Prints one JSON object.
"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsLayerDefinition, QgsProject  # noqa: E402

app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
ok, error = QgsLayerDefinition.loadLayerDefinition(sys.argv[1], project, project.layerTreeRoot())
report = {"loaded": ok, "error": error, "layers": {}}
for tree_layer in project.layerTreeRoot().findLayers():
    layer = tree_layer.layer()
    report["layers"][tree_layer.name()] = {
        "valid": bool(layer and layer.isValid()),
        "provider": layer.providerType() if layer else None,
        "renderer": layer.renderer().type() if layer and layer.renderer() else None,
        "features": layer.featureCount() if layer and hasattr(layer, "featureCount") else -1,
        "group": tree_layer.parent().name(),
    }
    del layer
project.clear()
print(json.dumps(report, ensure_ascii=False))
sys.stdout.flush()
app.exitQgis()
