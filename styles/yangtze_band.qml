<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.16" styleCategories="Symbology|Labeling" labelsEnabled="0">
<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols><symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><Option type="Map"><Option name="color" type="QString" value="158,202,225,90"/><Option name="style" type="QString" value="solid"/><Option name="outline_color" type="QString" value="158,202,225,255"/><Option name="outline_width" type="QString" value="0.3"/><Option name="outline_width_unit" type="QString" value="MM"/></Option></layer></symbol></symbols></renderer-v2>

<layerGeometryType>2</layerGeometryType>
</qgis>
