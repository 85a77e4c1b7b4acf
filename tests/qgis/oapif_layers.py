"""Add zdz collections to QGIS through its OAPIF provider and report what QGIS sees.

Run with Debian's /usr/bin/python3 (PyQGIS), QT_QPA_PLATFORM=offscreen:
    oapif_layers.py URL COLLECTION [COLLECTION ...]
Prints one JSON object: per collection, whether the layer is valid, QGIS's feature count,
the features it iterates, its CRS and its fields.
"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsVectorLayer  # noqa: E402

app = QgsApplication([], False)
app.initQgis()
url = sys.argv[1]
report = {}
for name in sys.argv[2:]:
    layer = QgsVectorLayer(f"url='{url}' typename='{name}'", name, "OAPIF")
    report[name] = {
        "valid": layer.isValid(),
        "count": layer.featureCount(),
        "iterated": sum(1 for _ in layer.getFeatures()),
        "crs": layer.crs().authid(),
        "fields": [f.name() for f in layer.fields()],
    }
    # PyQGIS crashes at exit when layers outlive the application.
    del layer
print(json.dumps(report))
sys.stdout.flush()
app.exitQgis()
