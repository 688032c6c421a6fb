<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>parkatlas::desktop::AttributeForm</name>
        <message>
            <source>Feature Attributes</source>
            <translation>要素属性</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::AttributeTableModel</name>
        <message>
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <source>Area (mu)</source>
            <translation>面积（亩）</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::AttributeTablePanel</name>
        <message>
            <source>Filter: text in any column</source>
            <translation>筛选：任一列中的文字</translation>
        </message>
        <message>
            <source>Layer:</source>
            <translation>图层：</translation>
        </message>
        <message>
            <source>sorting…</source>
            <translation>正在排序…</translation>
        </message>
        <message>
            <source>%1 of %2 rows, %3 selected</source>
            <translation>%1 / %2 行，已选 %3</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::AuditPanel</name>
        <message>
            <source>Audit rule not run: %1</source>
            <translation>审计规则未运行：%1</translation>
        </message>
        <message>
            <source>The date the audit speaks for</source>
            <translation>审计所依据的日期</translation>
        </message>
        <message>
            <source>As of</source>
            <translation>截至</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::CrsDialog</name>
        <message>
            <source>Set CRS — %1</source>
            <translation>设置坐标系 — %1</translation>
        </message>
        <message>
            <source>%1 has no coordinate system (no .prj). Choose the one its coordinates are in; the choice is saved in the project file.</source>
            <translation>%1 没有坐标系（缺少 .prj）。请选择其坐标所用的坐标系；所选将保存在项目文件中。</translation>
        </message>
        <message>
            <source>%1 is read as %2. Choose another coordinate system only when its file declares the wrong one; the choice is saved in the project file.</source>
            <translation>%1 按 %2 读取。仅当文件声明的坐标系有误时才另选；所选将保存在项目文件中。</translation>
        </message>
        <message>
            <source>Its eastings carry the zone number %1 (%2-degree zone, central meridian %3°E): the codes of that zone are proposed first. Surveys before 2018 are often in Xi&apos;an 1980 or Beijing 1954.</source>
            <translation>其横坐标带有带号 %1（%2 度带，中央经线 %3°E）：优先列出该带的坐标系。2018 年以前的测量成果常用西安 1980 或北京 1954 坐标系。</translation>
        </message>
        <message>
            <source>Xi&apos;an 1980</source>
            <translation>西安 1980</translation>
        </message>
        <message>
            <source>Beijing 1954</source>
            <translation>北京 1954</translation>
        </message>
        <message>
            <source>EPSG:%1 — %2, %3-degree Gauss-Krüger zone %4 (proposed)</source>
            <translation>EPSG:%1 — %2，%3 度带高斯-克吕格第 %4 带（建议）</translation>
        </message>
        <message>
            <source>Search by EPSG code or name (4547, CGCS2000 114E, Xian 1980…)</source>
            <translation>按 EPSG 代码或名称搜索（4547、CGCS2000 114E、Xian 1980…）</translation>
        </message>
        <message>
            <source>Reading PROJ&apos;s list of coordinate systems…</source>
            <translation>正在读取 PROJ 的坐标系列表…</translation>
        </message>
        <message>
            <source>%1 found; the first %2 are listed: type more to narrow it.</source>
            <translation>找到 %1 个，列出前 %2 个：请输入更多文字缩小范围。</translation>
        </message>
        <message numerus="yes">
            <source>%n found</source>
            <translation><numerusform>找到 %n 个</numerusform></translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::DrawTool</name>
        <message>
            <source>%1 mu, perimeter %2 m</source>
            <translation>%1 亩，周长 %2 米</translation>
        </message>
        <message>
            <source>%1 m</source>
            <translation>%1 米</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::EditController</name>
        <message>
            <source>No layer is chosen.</source>
            <translation>未选择图层。</translation>
        </message>
        <message>
            <source>The park is shown as of %1: only the park as it is now can be edited (View &gt; As Of… &gt; As It Is Now).</source>
            <translation>园区当前显示的是 %1 的状态：只能编辑现状（视图 &gt; 历史日期… &gt; 现状）。</translation>
        </message>
        <message>
            <source>%1 is not a GeoPackage or PostGIS layer: only those are edited in place (save a GeoPackage copy first).</source>
            <translation>%1 不是 GeoPackage 或 PostGIS 图层：只有这两种可以直接编辑（请先另存为 GeoPackage 副本）。</translation>
        </message>
        <message>
            <source>Layer %1 holds points: only polygon and line layers are edited.</source>
            <translation>图层 %1 为点图层：只能编辑面图层和线图层。</translation>
        </message>
        <message>
            <source>Layer %1 is drawn in the map's coordinate system, not in its own (or it changed on disk since it was opened): open it again, alone or first, to edit it.</source>
            <translation>图层 %1 按地图坐标系（而非其自身坐标系）显示，或打开后已被他人修改：请单独或首先重新打开该图层再编辑。</translation>
        </message>
        <message>
            <source>The shape is not of the layer's kind.</source>
            <translation>图形类型与图层不符。</translation>
        </message>
        <message>
            <source>The shape is empty.</source>
            <translation>图形为空。</translation>
        </message>
        <message>
            <source>The layer holds single parts, and the shape has %1.</source>
            <translation>该图层只存单部件图形，而此图形有 %1 个部件。</translation>
        </message>
        <message>
            <source>The shape is not valid: %1</source>
            <translation>图形无效：%1</translation>
        </message>
        <message>
            <source>Add feature</source>
            <translation>新增要素</translation>
        </message>
        <message>
            <source>Edit attributes</source>
            <translation>编辑属性</translation>
        </message>
        <message numerus="yes">
            <source>Delete %n feature(s)</source>
            <translation><numerusform>删除 %n 个要素</numerusform></translation>
        </message>
        <message numerus="yes">
            <source>Split %n feature(s)</source>
            <translation><numerusform>分割 %n 个要素</numerusform></translation>
        </message>
        <message>
            <source>Choose two or more polygons of the edited layer to merge.</source>
            <translation>请在正在编辑的图层中选择两个或以上的面进行合并。</translation>
        </message>
        <message numerus="yes">
            <source>Merge %n feature(s)</source>
            <translation><numerusform>合并 %n 个要素</numerusform></translation>
        </message>
        <message numerus="yes">
            <source>Keep the stored version of %n feature(s)</source>
            <translation><numerusform>保留 %n 个要素的已保存版本</numerusform></translation>
        </message>
        <message>
            <source>No park is open: the conflict check needs one.</source>
            <translation>未打开园区：冲突检查需要园区数据。</translation>
        </message>
        <message>
            <source>The journal belongs to layer %1 of %2.</source>
            <translation>该编辑日志属于 %2 的图层 %1。</translation>
        </message>
        <message>
            <source>Recovered edits</source>
            <translation>恢复的编辑</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::EditingUi</name>
        <message>
            <source>The new feature was removed (its attributes were cancelled).</source>
            <translation>已取消属性录入，新要素已移除。</translation>
        </message>
        <message>
            <source>new feature</source>
            <translation>新要素</translation>
        </message>
        <message>
            <source>feature %1</source>
            <translation>要素 %1</translation>
        </message>
        <message>
            <source>Conflicts of %1</source>
            <translation>%1 的冲突</translation>
        </message>
        <message>
            <source>&amp;Edit Layer</source>
            <translation>编辑图层(&amp;E)</translation>
        </message>
        <message>
            <source>&amp;Save Edits</source>
            <translation>保存编辑(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;Undo</source>
            <translation>撤销(&amp;U)</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>重做(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;Add Feature</source>
            <translation>新增要素(&amp;A)</translation>
        </message>
        <message>
            <source>&amp;Vertex Tool</source>
            <translation>节点工具(&amp;V)</translation>
        </message>
        <message>
            <source>S&amp;plit Features</source>
            <translation>分割要素(&amp;P)</translation>
        </message>
        <message>
            <source>&amp;Merge Selected</source>
            <translation>合并所选(&amp;M)</translation>
        </message>
        <message>
            <source>&amp;Delete Selected</source>
            <translation>删除所选(&amp;D)</translation>
        </message>
        <message>
            <source>Edit A&amp;ttributes…</source>
            <translation>编辑属性(&amp;T)…</translation>
        </message>
        <message>
            <source>Select one feature of the edited layer.</source>
            <translation>请在正在编辑的图层中选择一个要素。</translation>
        </message>
        <message>
            <source>S&amp;napping</source>
            <translation>捕捉(&amp;N)</translation>
        </message>
        <message>
            <source>&amp;Tracing</source>
            <translation>追踪(&amp;T)</translation>
        </message>
        <message>
            <source> px</source>
            <translation> 像素</translation>
        </message>
        <message>
            <source>Snapping tolerance in screen pixels</source>
            <translation>捕捉容差（屏幕像素）</translation>
        </message>
        <message>
            <source>Pick the layer to edit in the Layers panel first.</source>
            <translation>请先在图层面板中选择要编辑的图层。</translation>
        </message>
        <message>
            <source>%1 is not a GeoPackage: a GeoPackage copy is edited instead.</source>
            <translation>%1 不是 GeoPackage：将改为编辑其 GeoPackage 副本。</translation>
        </message>
        <message>
            <source>Editing</source>
            <translation>编辑</translation>
        </message>
        <message>
            <source>Editing %1: Add Feature (Ctrl+.) draws, the Vertex Tool (Ctrl+,) changes shapes.</source>
            <translation>正在编辑 %1：“新增要素”（Ctrl+.）绘制图形，“节点工具”（Ctrl+,）修改图形。</translation>
        </message>
        <message>
            <source>Stop Editing</source>
            <translation>结束编辑</translation>
        </message>
        <message>
            <source>Save the edits of %1?</source>
            <translation>保存对 %1 的编辑吗？</translation>
        </message>
        <message>
            <source>The line does not cut a polygon through: nothing split.</source>
            <translation>该线未完整穿过任何面：没有分割。</translation>
        </message>
        <message numerus="yes">
            <source>%n feature(s) split.</source>
            <translation><numerusform>已分割 %n 个要素。</numerusform></translation>
        </message>
        <message>
            <source>Add Feature</source>
            <translation>新增要素</translation>
        </message>
        <message>
            <source>Saving %1…</source>
            <translation>正在保存 %1…</translation>
        </message>
        <message>
            <source>Saved %1.</source>
            <translation>已保存 %1。</translation>
        </message>
        <message>
            <source>Save Edits</source>
            <translation>保存编辑</translation>
        </message>
        <message>
            <source>Nothing was saved; your edits are kept.

%1</source>
            <translation>未保存任何内容；您的编辑仍然保留。

%1</translation>
        </message>
        <message numerus="yes">
            <source>Someone else saved %n of the features you changed since you began. Nothing was saved.</source>
            <translation><numerusform>自您开始编辑以来，他人已保存了您修改过的 %n 个要素。未保存任何内容。</numerusform></translation>
        </message>
        <message>
            <source>Overwrite with Mine</source>
            <translation>用我的覆盖</translation>
        </message>
        <message>
            <source>Keep Theirs</source>
            <translation>保留他人的</translation>
        </message>
        <message>
            <source>Changed on Disk</source>
            <translation>文件已被修改</translation>
        </message>
        <message>
            <source>%1 was changed by someone else while you edit it.</source>
            <translation>您编辑期间，%1 已被他人修改。</translation>
        </message>
        <message>
            <source>Reload shows their changes and puts your unsaved edits back on top; a feature both of you changed is put to you when you save. Keep Editing leaves the map as it is.</source>
            <translation>“重新加载”显示他人的修改，并把您未保存的编辑重新叠加其上；双方都改过的要素在保存时由您决定。“继续编辑”保持地图现状。</translation>
        </message>
        <message>
            <source>Reload</source>
            <translation>重新加载</translation>
        </message>
        <message>
            <source>Keep Editing</source>
            <translation>继续编辑</translation>
        </message>
        <message>
            <source>Layer %1 is not on the map any more.</source>
            <translation>图层 %1 已不在地图中。</translation>
        </message>
        <message numerus="yes">
            <source>%n unsaved change(s) put back.</source>
            <translation><numerusform>已恢复 %n 处未保存的修改。</numerusform></translation>
        </message>
        <message>
            <source>Edit a Copy</source>
            <translation>编辑副本</translation>
        </message>
        <message>
            <source>%1 is a %2 file: edits are saved safely only in a GeoPackage (one transaction, nothing half written). Save a GeoPackage copy of %3 and edit that? The original is not changed.</source>
            <translation>%1 是 %2 文件：只有 GeoPackage 能安全保存编辑（单一事务，不会写一半）。是否将 %3 另存为 GeoPackage 副本并编辑副本？原文件不会被修改。</translation>
        </message>
        <message>
            <source>GeoPackage Copy</source>
            <translation>GeoPackage 副本</translation>
        </message>
        <message>
            <source>GeoPackage (*.gpkg)</source>
            <translation>GeoPackage (*.gpkg)</translation>
        </message>
        <message>
            <source>Copying %1 into %2…</source>
            <translation>正在将 %1 复制到 %2…</translation>
        </message>
        <message>
            <source>Recover Edits</source>
            <translation>恢复编辑</translation>
        </message>
        <message numerus="yes">
            <source>ParkAtlas stopped with %n unsaved change(s) to layer %1 of %2 (last edit %3). Recover them?</source>
            <translation><numerusform>ParkAtlas 上次退出时，%2 的图层 %1 有 %n 处未保存的修改（最后编辑于 %3）。是否恢复？</numerusform></translation>
        </message>
        <message>
            <source>Recover</source>
            <translation>恢复</translation>
        </message>
        <message>
            <source>Discard</source>
            <translation>丢弃</translation>
        </message>
        <message>
            <source>Later</source>
            <translation>稍后</translation>
        </message>
        <message>
            <source>Editing of %1 goes on.</source>
            <translation>继续编辑 %1。</translation>
        </message>
        <message>
            <source>Conflicts of the edits (%1 is gone)</source>
            <translation>编辑的冲突（%1 已不存在）</translation>
        </message>
        <message>
            <source>a new feature</source>
            <translation>新要素</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::ExportMapDialog</name>
        <message>
            <source>%1: not a .pdf, .svg or .png file</source>
            <translation>%1：不是 .pdf、.svg 或 .png 文件</translation>
        </message>
        <message>
            <source>Export Map</source>
            <translation>导出地图</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>（无）</translation>
        </message>
        <message>
            <source>{park} is the park's name</source>
            <translation>{park} 为园区名称</translation>
        </message>
        <message>
            <source>Landscape</source>
            <translation>横向</translation>
        </message>
        <message>
            <source>Portrait</source>
            <translation>纵向</translation>
        </message>
        <message>
            <source>fit (round scale)</source>
            <translation>自动（整数比例尺）</translation>
        </message>
        <message>
            <source> dpi</source>
            <translation> dpi</translation>
        </message>
        <message>
            <source>Only the current map view</source>
            <translation>仅当前地图视图</translation>
        </message>
        <message>
            <source>Coordinate grid</source>
            <translation>坐标格网</translation>
        </message>
        <message>
            <source>Template</source>
            <translation>模板</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>标题</translation>
        </message>
        <message>
            <source>Subtitle</source>
            <translation>副标题</translation>
        </message>
        <message>
            <source>Organisation</source>
            <translation>编制单位</translation>
        </message>
        <message>
            <source>Paper</source>
            <translation>纸张</translation>
        </message>
        <message>
            <source>Orientation</source>
            <translation>方向</translation>
        </message>
        <message>
            <source>Scale</source>
            <translation>比例尺</translation>
        </message>
        <message>
            <source>Resolution</source>
            <translation>分辨率</translation>
        </message>
        <message>
            <source>Preparing the preview…</source>
            <translation>正在准备预览…</translation>
        </message>
        <message>
            <source>&amp;Export…</source>
            <translation>导出(&amp;E)…</translation>
        </message>
        <message>
            <source>The export was cancelled.</source>
            <translation>导出已取消。</translation>
        </message>
        <message>
            <source>Wrote %1.</source>
            <translation>已写入 %1。</translation>
        </message>
        <message>
            <source>No preview: %1</source>
            <translation>无法预览：%1</translation>
        </message>
        <message>
            <source>PDF, vector (*.pdf)</source>
            <translation>PDF 矢量 (*.pdf)</translation>
        </message>
        <message>
            <source>SVG, vector (*.svg)</source>
            <translation>SVG 矢量 (*.svg)</translation>
        </message>
        <message>
            <source>PNG image (*.png)</source>
            <translation>PNG 图片 (*.png)</translation>
        </message>
        <message>
            <source>Writing %1…</source>
            <translation>正在写入 %1…</translation>
        </message>
        <message>
            <source>… and %1 more</source>
            <translation>……另有 %1 条</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::FieldMappingDialog</name>
        <message>
            <source>Detected</source>
            <translation>自动识别</translation>
        </message>
        <message>
            <source>Detected: %1</source>
            <translation>自动识别：%1</translation>
        </message>
        <message>
            <source>Land-use classification:</source>
            <translation>用地分类：</translation>
        </message>
        <message>
            <source>The classification the layer's land-use codes are in: GB/T 21010-2017 (cadastre, 三调), TDDC-3 (三调 working classes), GB 50137-2011 (控规), GTKJ-2023 (2023 用地用海). The same code means different things in different systems (0601: 工业用地 or 乡村道路用地).</source>
            <translation>图层用地代码所用的分类：GB/T 21010-2017（地籍、三调）、TDDC-3（三调工作分类）、GB 50137-2011（控规）、GTKJ-2023（2023 用地用海分类）。同一代码在不同分类中含义不同（0601：工业用地或乡村道路用地）。</translation>
        </message>
        <message>
            <source>Field Mapping — %1</source>
            <translation>字段映射 — %1</translation>
        </message>
        <message>
            <source>(no role)</source>
            <translation>（无角色）</translation>
        </message>
        <message>
            <source>Role:</source>
            <translation>角色：</translation>
        </message>
        <message>
            <source>Contract field ← field of the layer</source>
            <translation>约定字段 ← 图层字段</translation>
        </message>
        <message>
            <source>Without a role the layer is drawn in a default style and left out of the checks, the audit and the ledgers.</source>
            <translation>没有角色的图层以默认样式绘制，不参与规划检查、闲置土地审计和台账。</translation>
        </message>
        <message>
            <source>Fields are matched by name and by the common survey names (aliases); change a choice where the layer names a field otherwise.</source>
            <translation>字段按名称及常用调查字段名（别名）匹配；图层的字段名不同时，请在此更改。</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>（无）</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::FindingsPanel</name>
        <message>
            <source>Land use read in: %1</source>
            <translation>用地代码按以下分类判读：%1</translation>
        </message>
        <message>
            <source>Filter findings…</source>
            <translation>筛选问题…</translation>
        </message>
        <message>
            <source>Checking %1…</source>
            <translation>正在检查 %1…</translation>
        </message>
        <message>
            <source>The check failed: %1</source>
            <translation>检查失败：%1</translation>
        </message>
        <message numerus="yes">
            <source>%n finding(s), %1 mu</source>
            <translation>
                <numerusform>%n 个问题，%1 亩</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>; %n cannot be decided (not in the total)</source>
            <translation>
                <numerusform>；%n 个无法判定（不计入合计）</numerusform>
            </translation>
        </message>
        <message>
            <source>Export findings</source>
            <translation>导出问题</translation>
        </message>
        <message>
            <source>CSV, UTF-8 (*.csv)</source>
            <translation>CSV，UTF-8 (*.csv)</translation>
        </message>
        <message>
            <source>GeoPackage (*.gpkg)</source>
            <translation>GeoPackage (*.gpkg)</translation>
        </message>
    <message>
            <source>cannot write %1</source>
            <translation>无法写入 %1</translation>
        </message>
        </context>
    <context>
        <name>parkatlas::desktop::FindingsTree</name>
        <message>
            <source>Finding</source>
            <translation>问题</translation>
        </message>
        <message>
            <source>Mu</source>
            <translation>亩</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>理由</translation>
        </message>
        <message>
            <source>%1 (%2)</source>
            <translation>%1（%2）</translation>
        </message>
        <message>
            <source>Total mu of the rule's findings</source>
            <translation>该规则问题的总亩数</translation>
        </message>
        <message>
            <source>Mu of the land the rule's findings concern, each plot counted once</source>
            <translation>该规则问题所涉土地的亩数，每块地只计一次</translation>
        </message>
        <message>
            <source>These findings concern no area</source>
            <translation>这些问题不涉及面积</translation>
        </message>
        <message>
            <source>%1 #%2</source>
            <translation>%1 #%2</translation>
        </message>
        <message>
            <source>Layer: %1</source>
            <translation>图层：%1</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::IdentifyPanel</name>
        <message>
            <source>Field</source>
            <translation>字段</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>值</translation>
        </message>
        <message>
            <source>Click a feature on the map to see its attributes and its area.</source>
            <translation>在地图上点击要素，查看其属性和面积。</translation>
        </message>
        <message>
            <source>Nothing here. Click a feature on the map.</source>
            <translation>此处没有要素。请在地图上点击要素。</translation>
        </message>
        <message>
            <source>fid %1</source>
            <translation>fid %1</translation>
        </message>
        <message>
            <source>Area (ellipsoidal), mu</source>
            <translation>面积（椭球），亩</translation>
        </message>
        <message>
            <source>Area (ellipsoidal), m²</source>
            <translation>面积（椭球），m²</translation>
        </message>
        <message>
            <source>Area (planar), mu</source>
            <translation>面积（平面），亩</translation>
        </message>
        <message>
            <source>not available</source>
            <translation>不可用</translation>
        </message>
        <message>
            <source>Area (planar), m²</source>
            <translation>面积（平面），m²</translation>
        </message>
        <message>
            <source>Length (geodesic), m</source>
            <translation>长度（大地线），m</translation>
        </message>
        <message>
            <source>Length (geodesic), km</source>
            <translation>长度（大地线），km</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>说明</translation>
        </message>
        <message>
            <source>(unknown)</source>
            <translation>（未知）</translation>
        </message>
        <message numerus="yes">
            <source>%n feature(s) here, the topmost first. Areas are measured in the map CRS %1 (the layers are reprojected into it on load): ellipsoidal on its datum's ellipsoid, planar in its projection.</source>
            <translation>
                <numerusform>此处共 %n 个要素，最上层的在前。面积在地图坐标系 %1 中量算（加载时各图层已投影到该坐标系）：椭球面积按其基准的椭球计算，平面面积按其投影平面计算。</numerusform>
            </translation>
        </message>
        <message>
            <source>Acquisition</source>
            <translation>征地</translation>
        </message>
        <message>
            <source>Land supplied</source>
            <translation>供地</translation>
        </message>
        <message>
            <source>Agreed start</source>
            <translation>约定动工</translation>
        </message>
        <message>
            <source>Actual start</source>
            <translation>实际动工</translation>
        </message>
        <message>
            <source>Stopped</source>
            <translation>停工</translation>
        </message>
        <message>
            <source>Agreed completion</source>
            <translation>约定竣工</translation>
        </message>
        <message>
            <source>Completed</source>
            <translation>竣工</translation>
        </message>
        <message>
            <source>Found idle</source>
            <translation>闲置认定</translation>
        </message>
        <message>
            <source>Disposal</source>
            <translation>处置</translation>
        </message>
        <message>
            <source>Timeline</source>
            <translation>时间线</translation>
        </message>
        <message>
            <source>date unknown</source>
            <translation>日期不详</translation>
        </message>
        <message>
            <source>Date from the field %1</source>
            <translation>日期取自字段 %1</translation>
        </message>
        <message>
            <source>Change recorded %1 by %2 (%3)</source>
            <translation>变更记录于 %1，由 %2（%3）</translation>
        </message>
        <message>
            <source>Nothing records when this happened.</source>
            <translation>没有记录说明这一步发生的时间。</translation>
        </message>
        <message>
            <source>no step recorded</source>
            <translation>没有记录的步骤</translation>
        </message>
        <message>
            <source>from the fields only: history not read</source>
            <translation>仅据字段：未能读取历史</translation>
        </message>
        <message>
            <source>History not read: %1</source>
            <translation>未能读取历史：%1</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::LayersPanel</name>
        <message>
            <source>Move Up</source>
            <translation>上移</translation>
        </message>
        <message>
            <source>Move Down</source>
            <translation>下移</translation>
        </message>
        <message>
            <source>Zoom</source>
            <translation>缩放</translation>
        </message>
        <message>
            <source>Zoom to Layer</source>
            <translation>缩放到图层</translation>
        </message>
        <message>
            <source>Fields…</source>
            <translation>字段…</translation>
        </message>
        <message>
            <source>Role and field mapping of the picked layer</source>
            <translation>所选图层的角色与字段映射</translation>
        </message>
        <message>
            <source>Opacity of the picked layer</source>
            <translation>所选图层的不透明度</translation>
        </message>
        <message>
            <source>Opacity</source>
            <translation>不透明度</translation>
        </message>
        <message>
            <source>Field Mapping…</source>
            <translation>字段映射…</translation>
        </message>
        <message>
            <source>%1 (raster %2 × %3)</source>
            <translation>%1（影像 %2 × %3）</translation>
        </message>
        <message>
            <source>%1 (1 feature)</source>
            <translation>%1（1 个要素）</translation>
        </message>
        <message>
            <source>%1 (%2 features)</source>
            <translation>%1（%2 个要素）</translation>
        </message>
        <message>
            <source>none (raw coordinates)</source>
            <translation>无（原始坐标）</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>%1
Raster: %2 × %3 pixels, %4 bands, %5 overviews
CRS: %6</source>
            <translation>%1
影像：%2 × %3 像素，%4 个波段，%5 级金字塔
坐标系：%6</translation>
        </message>
        <message>
            <source>%1
Role: %2
Geometry: %3
CRS: %4
Text encoding: %5</source>
            <translation>%1
角色：%2
几何类型：%3
坐标系：%4
文字编码：%5</translation>
        </message>
        <message>
            <source>
Classes by %1: %2</source>
            <translation>
按 %1 分类：%2</translation>
        </message>
        <message>
            <source>Set CRS…</source>
            <translation>设置坐标系…</translation>
        </message>
        <message>
            <source>Show Legend</source>
            <translation>显示图例</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::LedgerPanel</name>
        <message>
            <source>Land acquisition</source>
            <translation>征地</translation>
        </message>
        <message>
            <source>Idle land</source>
            <translation>闲置土地</translation>
        </message>
        <message>
            <source>Works</source>
            <translation>工程</translation>
        </message>
        <message>
            <source>Land supply</source>
            <translation>供地</translation>
        </message>
        <message>
            <source>Standard-land contracts</source>
            <translation>标准地履约</translation>
        </message>
        <message>
            <source>The ledger to build</source>
            <translation>要生成的台账</translation>
        </message>
        <message>
            <source>The table of the ledger shown</source>
            <translation>显示的台账表格</translation>
        </message>
        <message>
            <source>Building the %1 ledger of %2…</source>
            <translation>正在生成 %2 的%1台账…</translation>
        </message>
        <message>
            <source>The ledger failed: %1</source>
            <translation>台账生成失败：%1</translation>
        </message>
        <message>
            <source>%1 — %2</source>
            <translation>%1 — %2</translation>
        </message>
        <message>
            <source>Export ledger</source>
            <translation>导出台账</translation>
        </message>
        <message>
            <source>CSV, UTF-8 (*.csv)</source>
            <translation>CSV，UTF-8 (*.csv)</translation>
        </message>
        <message>
            <source>Excel workbook (*.xlsx)</source>
            <translation>Excel 工作簿 (*.xlsx)</translation>
        </message>
    <message>
            <source>cannot write %1</source>
            <translation>无法写入 %1</translation>
        </message>
        <message>
            <source>No such row.</source>
            <translation>没有这一行。</translation>
        </message>
        <message>
            <source>The rows of this table are not kept by a field of the layer: pick a row of another table to see it on the map.</source>
            <translation>此表的行不对应图层的某个字段：请在其他表中点选一行以在地图上查看。</translation>
        </message>
        <message>
            <source>No feature on the map holds this row.</source>
            <translation>地图上没有属于这一行的要素。</translation>
        </message>
        </context>
    <context>
        <name>parkatlas::desktop::MainWindow</name>
        <message>
            <source>&amp;As Of…</source>
            <translation>历史日期(&amp;A)…</translation>
        </message>
        <message>
            <source>ParkAtlas</source>
            <translation>ParkAtlas 园区图集</translation>
        </message>
        <message>
            <source>Layers</source>
            <translation>图层</translation>
        </message>
        <message>
            <source>Messages</source>
            <translation>消息</translation>
        </message>
        <message>
            <source>Identify</source>
            <translation>识别</translation>
        </message>
        <message>
            <source>Attribute Table</source>
            <translation>属性表</translation>
        </message>
        <message>
            <source>Plan Check</source>
            <translation>规划符合性检查</translation>
        </message>
        <message>
            <source>Idle Land Audit</source>
            <translation>闲置土地审计</translation>
        </message>
        <message>
            <source>Ledgers</source>
            <translation>台账</translation>
        </message>
        <message>
            <source>Field mapping saved in %1</source>
            <translation>字段映射已保存到 %1</translation>
        </message>
        <message>
            <source>Field mapping not saved: %1</source>
            <translation>字段映射未保存：%1</translation>
        </message>
        <message>
            <source>Drawing: %1</source>
            <translation>绘制：%1</translation>
        </message>
        <message>
            <source>Reading %1…</source>
            <translation>正在读取 %1…</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>文件(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;Open…</source>
            <translation>打开(&amp;O)…</translation>
        </message>
        <message>
            <source>Open &amp;Folder…</source>
            <translation>打开文件夹(&amp;F)…</translation>
        </message>
        <message>
            <source>&amp;Add Layers…</source>
            <translation>添加图层(&amp;A)…</translation>
        </message>
        <message>
            <source>Open &amp;Recent</source>
            <translation>最近打开(&amp;R)</translation>
        </message>
        <message>
            <source>Export &amp;Map…</source>
            <translation>导出地图(&amp;M)…</translation>
        </message>
        <message>
            <source>Export &amp;Report…</source>
            <translation>导出汇报材料(&amp;R)…</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>退出(&amp;Q)</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>视图(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Full Extent</source>
            <translation>全图(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;Language</source>
            <translation>语言(&amp;L)</translation>
        </message>
        <message>
            <source>System Language</source>
            <translation>跟随系统</translation>
        </message>
        <message>
            <source>&amp;Tools</source>
            <translation>工具(&amp;T)</translation>
        </message>
        <message>
            <source>Tools</source>
            <translation>工具</translation>
        </message>
        <message>
            <source>&amp;Identify and Select</source>
            <translation>识别与选择(&amp;I)</translation>
        </message>
        <message>
            <source>Measure &amp;Distance</source>
            <translation>量测距离(&amp;D)</translation>
        </message>
        <message>
            <source>Measure &amp;Area</source>
            <translation>量测面积(&amp;A)</translation>
        </message>
        <message>
            <source>&amp;Clear Selection</source>
            <translation>清除选择(&amp;C)</translation>
        </message>
        <message>
            <source>&amp;Edit</source>
            <translation>编辑(&amp;E)</translation>
        </message>
        <message>
            <source>ParkAtlas — %1</source>
            <translation>ParkAtlas 园区图集 — %1</translation>
        </message>
        <message>
            <source> — editing %1</source>
            <translation> — 正在编辑 %1</translation>
        </message>
        <message>
            <source>The language changes when ParkAtlas is started again.</source>
            <translation>界面语言将在重新启动 ParkAtlas 后生效。</translation>
        </message>
        <message>
            <source>Vector data and orthophotos (*.gpkg *.shp *.geojson *.json *.dxf *.kml *.gml *.fgb *.sqlite *.tab *.mif *.zip *.tif *.tiff *.jp2 *.vrt);;All files (*)</source>
            <translation>矢量数据和正射影像 (*.gpkg *.shp *.geojson *.json *.dxf *.kml *.gml *.fgb *.sqlite *.tab *.mif *.zip *.tif *.tiff *.jp2 *.vrt);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Open vector data</source>
            <translation>打开矢量数据</translation>
        </message>
        <message>
            <source>Add layers to the map</source>
            <translation>向地图添加图层</translation>
        </message>
        <message>
            <source>Open a folder of shapefiles</source>
            <translation>打开 Shapefile 文件夹</translation>
        </message>
        <message>
            <source>Opening %1…</source>
            <translation>正在打开 %1…</translation>
        </message>
        <message>
            <source>Opening cancelled</source>
            <translation>已取消打开</translation>
        </message>
        <message>
            <source>Styles: %1</source>
            <translation>样式：%1</translation>
        </message>
        <message>
            <source>Not loaded: %1</source>
            <translation>未加载：%1</translation>
        </message>
        <message>
            <source>… and %1 more issues</source>
            <translation>……另有 %1 个问题</translation>
        </message>
        <message>
            <source>No layer has a coordinate system: they are drawn in their raw coordinates, and the scale is unknown.</source>
            <translation>所有图层均无坐标系：按原始坐标绘制，比例尺未知。</translation>
        </message>
        <message>
            <source>no CRS</source>
            <translation>无坐标系</translation>
        </message>
        <message>
            <source>Layers loaded: %1; map CRS: %2</source>
            <translation>已加载图层：%1；地图坐标系：%2</translation>
        </message>
        <message>
            <source>; not loaded: %1 (see Messages)</source>
            <translation>；未加载：%1（见“消息”）</translation>
        </message>
        <message>
            <source>Nothing could be opened</source>
            <translation>无法打开任何数据</translation>
        </message>
        <message>
            <source>No layer of %1 could be loaded.</source>
            <translation>%1 中没有可加载的图层。</translation>
        </message>
        <message>
            <source>%1, %2 %3</source>
            <translation>%1, %2 %3</translation>
        </message>
        <message>
            <source>Scale unknown</source>
            <translation>比例尺未知</translation>
        </message>
        <message>
            <source>1:%1</source>
            <translation>1:%1</translation>
        </message>
        <message>
            <source>No selection</source>
            <translation>未选择</translation>
        </message>
        <message numerus="yes">
            <source>%n feature(s) selected</source>
            <translation>
                <numerusform>已选 %n 个要素</numerusform>
            </translation>
        </message>
        <message>
            <source>%1, %2 mu</source>
            <translation>%1，%2 亩</translation>
        </message>
        <message>
            <source>the source is not a local file, so there is no folder to keep a project file in</source>
            <translation>数据源不是本地文件，没有可存放工程文件的文件夹</translation>
        </message>
        <message>
            <source>The roles, field mappings and coordinate systems saved in %1 are used.</source>
            <translation>已采用 %1 中保存的图层角色、字段映射和坐标系。</translation>
        </message>
        <message>
            <source>%1 has no coordinate system and is not drawn yet: choose one in the Set CRS dialog.</source>
            <translation>%1 没有坐标系，暂未绘制：请在“设置坐标系”对话框中选择。</translation>
        </message>
        <message>
            <source>Its eastings propose EPSG:%1 (CGCS2000, zone %2).</source>
            <translation>根据其横坐标建议 EPSG:%1（CGCS2000，第 %2 带）。</translation>
        </message>
        <message>
            <source>%1 is read as %2</source>
            <translation>%1 按 %2 读取</translation>
        </message>
        <message>
            <source>The map&apos;s scale: type one (1:2000) or pick one</source>
            <translation>地图比例尺：可直接输入（如 1:2000）或选择</translation>
        </message>
        <message>
            <source>Find</source>
            <translation>查找</translation>
        </message>
        <message>
            <source>Find: plot number, owner, batch, road, or x, y / lon, lat</source>
            <translation>查找：宗地编号、权利人、批次、道路，或 x, y / 经度, 纬度</translation>
        </message>
        <message>
            <source>&amp;Find…</source>
            <translation>查找(&amp;F)…</translation>
        </message>
        <message>
            <source>Shown: %1, %2</source>
            <translation>已定位：%1, %2</translation>
        </message>
        <message>
            <source>Nothing found for “%1”</source>
            <translation>未找到“%1”</translation>
        </message>
        <message numerus="yes">
            <source>%n found for “%1”</source>
            <translation><numerusform>找到“%1” %n 处</numerusform></translation>
        </message>
        <message>
            <source>&amp;Bookmarks…</source>
            <translation>书签(&amp;B)…</translation>
        </message>
        <message>
            <source>&amp;Scale Bar</source>
            <translation>比例尺(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;North Arrow</source>
            <translation>指北针(&amp;N)</translation>
        </message>
        <message numerus="yes">
            <source>%n feature(s) on the map</source>
            <translation>
                <numerusform>地图上 %n 个要素</numerusform>
            </translation>
        </message>
        <message>
            <source>&amp;Import Park…</source>
            <translation>导入园区(&amp;I)…</translation>
        </message>
        <message>
            <source>Changes</source>
            <translation>变化</translation>
        </message>
        <message numerus="yes">
            <source>; %n layer(s) transformed approximately (ballpark: off by up to tens of metres, see Messages)</source>
            <translation><numerusform>；%n 个图层经近似转换（ballpark，位置可能偏差数十米，见消息）</numerusform></translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::MapCanvas</name>
        <message>
            <source>Open a GeoPackage, a shapefile or a folder of shapefiles with File → Open.</source>
            <translation>请通过“文件 → 打开”打开 GeoPackage、Shapefile 或 Shapefile 文件夹。</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::MeasureTool</name>
        <message>
            <source>Measuring needs a map coordinate system.</source>
            <translation>量测需要地图坐标系。</translation>
        </message>
        <message>
            <source>Distance: click points on the map; Esc clears.</source>
            <translation>距离：在地图上依次点击；按 Esc 清除。</translation>
        </message>
        <message>
            <source>Area: click the corners on the map; Esc clears.</source>
            <translation>面积：在地图上依次点击各角点；按 Esc 清除。</translation>
        </message>
        <message>
            <source>%1 km</source>
            <translation>%1 千米</translation>
        </message>
        <message>
            <source>%1 m</source>
            <translation>%1 米</translation>
        </message>
        <message>
            <source>Distance (ellipsoidal): %1</source>
            <translation>距离（椭球）：%1</translation>
        </message>
        <message>
            <source>Area (ellipsoidal): %1 m² = %2 mu = %3 ha; perimeter %4</source>
            <translation>面积（椭球）：%1 m² = %2 亩 = %3 公顷；周长 %4</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::RecentFiles</name>
        <message>
            <source>(none)</source>
            <translation>（无）</translation>
        </message>
        <message>
            <source>Clear Recent Files</source>
            <translation>清除最近文件</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::ReportExporter</name>
        <message>
            <source>The report was cancelled; nothing was written.</source>
            <translation>已取消，未写入任何文件。</translation>
        </message>
        <message>
            <source>_committee_pack_%1</source>
            <translation>_汇报材料_%1</translation>
        </message>
        <message>
            <source>Export Report: the folder of the committee pack</source>
            <translation>导出汇报材料：选择材料文件夹</translation>
        </message>
        <message>
            <source>Export Report</source>
            <translation>导出汇报材料</translation>
        </message>
        <message>
            <source>%1 exists and is not empty. Replace it with the new pack? (It is removed only once the new pack is complete.)</source>
            <translation>%1 已存在且不为空。是否用新材料替换？（新材料完整写入后才删除原文件夹。）</translation>
        </message>
        <message>
            <source>Writing the committee pack…</source>
            <translation>正在生成汇报材料…</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Wrote the committee pack to %1:

%2</source>
            <translation>汇报材料已写入 %1：

%2</translation>
        </message>
        <message>
            <source>

Left out:
%1</source>
            <translation>

未生成：
%1</translation>
        </message>
        <message>
            <source>The pack holds the idle-land audit (闲置土地认定). As of which date? (No date was set in the Idle Land Audit panel.)</source>
            <translation>材料包含闲置土地认定。认定截至哪一天？（闲置土地审计面板中未设日期。）</translation>
        </message>
        <message numerus="yes">
            <source>%n warning(s) about the data; the first: %1</source>
            <translation><numerusform>数据有 %n 条警告；第一条：%1</numerusform></translation>
        </message>
        <message>
            <source>… and %1 more</source>
            <translation>……另有 %1 条</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::VertexTool</name>
        <message>
            <source>Move vertex</source>
            <translation>移动节点</translation>
        </message>
        <message>
            <source>Add vertex</source>
            <translation>添加节点</translation>
        </message>
        <message>
            <source>A polygon keeps at least 3 corners and a line 2: delete the feature instead.</source>
            <translation>面至少保留 3 个顶点，线至少 2 个：请改为删除该要素。</translation>
        </message>
        <message>
            <source>Delete vertex</source>
            <translation>删除节点</translation>
        </message>
    </context>
    <context>
        <name>main</name>
        <message>
            <source>ParkAtlas viewer: draws the layers of a source.</source>
            <translation>ParkAtlas 查看器：绘制数据源的图层。</translation>
        </message>
        <message>
            <source>Load, draw once, save the window's picture to &lt;file&gt; and exit.</source>
            <translation>加载并绘制一次，把窗口画面保存为 &lt;file&gt; 后退出。</translation>
        </message>
        <message>
            <source>Window size for --screenshot (default 1280x800).</source>
            <translation>--screenshot 的窗口大小（默认 1280x800）。</translation>
        </message>
        <message>
            <source>With --screenshot: run the plan check and show its findings before taking the picture.</source>
            <translation>与 --screenshot 同用：先运行规划符合性检查并显示问题，再截图。</translation>
        </message>
        <message>
            <source>With --screenshot: print the layer list (topmost first) and where the map lies in the picture.</source>
            <translation>与 --screenshot 一起使用：打印图层列表（自上而下）以及地图在截图中的位置。</translation>
        </message>
        <message>
            <source>GeoPackage, shapefile, folder of shapefiles …</source>
            <translation>GeoPackage、Shapefile、Shapefile 文件夹……</translation>
        </message>
        <message>
            <source>--screenshot needs a SOURCE</source>
            <translation>--screenshot 需要一个数据源 SOURCE</translation>
        </message>
        <message>
            <source>--size wants WxH, for instance 1280x800</source>
            <translation>--size 的格式为 宽x高，例如 1280x800</translation>
        </message>
        <message>
            <source>not loaded: %1</source>
            <translation>未加载：%1</translation>
        </message>
        <message>
            <source>cannot write %1</source>
            <translation>无法写入 %1</translation>
        </message>
        <message>
            <source>the load or the render did not finish within %1 s</source>
            <translation>加载或绘制未在 %1 秒内完成</translation>
        </message>
        <message>
            <source>Load SOURCE, then time the first picture, pans, zooms and table sorts; print one &quot;name milliseconds&quot; line each and exit (for scripts/bench --speed).</source>
            <translation>加载 SOURCE，然后计时首幅画面、平移、缩放和属性表排序；每项打印一行“名称 毫秒”后退出（供 scripts/bench --speed 使用）。</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::BookmarksDialog</name>
        <message>
            <source>&amp;Add Current View…</source>
            <translation>添加当前视图(&amp;A)…</translation>
        </message>
        <message>
            <source>&amp;Go To</source>
            <translation>转到(&amp;G)</translation>
        </message>
        <message>
            <source>&amp;Rename…</source>
            <translation>重命名(&amp;R)…</translation>
        </message>
        <message>
            <source>&amp;Delete</source>
            <translation>删除(&amp;D)</translation>
        </message>
        <message>
            <source>Bookmarks</source>
            <translation>书签</translation>
        </message>
        <message>
            <source>Bookmarks are kept in the park&apos;s project file, made beside the park when you add the first.</source>
            <translation>书签保存在园区的项目文件中；添加第一个书签时会在园区数据旁创建该文件。</translation>
        </message>
        <message>
            <source>Kept in %1</source>
            <translation>保存在 %1</translation>
        </message>
        <message>
            <source>Add Bookmark</source>
            <translation>添加书签</translation>
        </message>
        <message>
            <source>Name of this view:</source>
            <translation>此视图的名称：</translation>
        </message>
        <message>
            <source>Bookmark %1</source>
            <translation>书签 %1</translation>
        </message>
        <message>
            <source>No project file could be made: the bookmark is kept only until the park is closed.</source>
            <translation>无法创建项目文件：书签仅保留到关闭园区为止。</translation>
        </message>
        <message>
            <source>Cannot show “%1” in %2: %3</source>
            <translation>无法在 %2 中显示“%1”：%3</translation>
        </message>
        <message>
            <source>Shown: %1</source>
            <translation>已显示：%1</translation>
        </message>
        <message>
            <source>Rename Bookmark</source>
            <translation>重命名书签</translation>
        </message>
        <message>
            <source>New name:</source>
            <translation>新名称：</translation>
        </message>
        <message>
            <source>The bookmarks were not saved: %1</source>
            <translation>书签未保存：%1</translation>
        </message>
        <message>
            <source>raw coordinates</source>
            <translation>原始坐标</translation>
        </message>
        <message>
            <source>Open a park first: a bookmark keeps a view of its map.</source>
            <translation>请先打开园区：书签保存的是园区地图的视图。</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::ParkDate</name>
        <message>
            <source>As Of</source>
            <translation>历史日期</translation>
        </message>
        <message>
            <source>Show the park as it was at the end of a day, from the history it keeps (a park without history is shown as it is).</source>
            <translation>按园区保存的历史，显示某日结束时的园区状态（没有历史的园区按现状显示）。</translation>
        </message>
        <message>
            <source>As It Is Now</source>
            <translation>现状</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::ImportDialog</name>
        <message>
            <source>&amp;Build</source>
            <translation>构建(&amp;B)</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>&amp;Save Report…</source>
            <translation>保存报告(&amp;S)…</translation>
        </message>
        <message>
            <source>&amp;Open in Viewer</source>
            <translation>在查看器中打开(&amp;O)</translation>
        </message>
        <message>
            <source>Import Park</source>
            <translation>导入园区</translation>
        </message>
        <message>
            <source>Add &amp;Files…</source>
            <translation>添加文件(&amp;F)…</translation>
        </message>
        <message>
            <source>Add F&amp;older…</source>
            <translation>添加文件夹(&amp;O)…</translation>
        </message>
        <message>
            <source>&amp;Remove</source>
            <translation>移除(&amp;R)</translation>
        </message>
        <message>
            <source>Drawings (.dxf, .dwg R2000), GeoPackages, shapefiles, Personal Geodatabases (.mdb), VCT exchange files (.vct) and whatever GDAL opens</source>
            <translation>图纸（.dxf、R2000 格式的 .dwg）、GeoPackage、Shapefile、个人地理数据库（.mdb）、VCT 交换文件（.vct）及 GDAL 能打开的其他数据</translation>
        </message>
        <message>
            <source>A folder of shapefiles, or a File Geodatabase (.gdb)</source>
            <translation>Shapefile 文件夹，或文件地理数据库（.gdb）</translation>
        </message>
        <message>
            <source>Sources</source>
            <translation>数据源</translation>
        </message>
        <message>
            <source>Table</source>
            <translation>表格</translation>
        </message>
        <message>
            <source>Key</source>
            <translation>关联键</translation>
        </message>
        <message>
            <source>Key column</source>
            <translation>关联列</translation>
        </message>
        <message>
            <source>Joined onto</source>
            <translation>关联到</translation>
        </message>
        <message>
            <source>Ledgers (XLSX, XLS, CSV) joined onto the built park by a key, as --join TABLE --on KEY[=COLUMN]: the key column is found by the key's Chinese names when left empty</source>
            <translation>按关联键挂接到所建园区的台账（XLSX、XLS、CSV），同 --join TABLE --on KEY[=COLUMN]：关联列留空时按关联键的中文名称查找</translation>
        </message>
        <message>
            <source>Add &amp;Table…</source>
            <translation>添加表格(&amp;T)…</translation>
        </message>
        <message>
            <source>Remove Ta&amp;ble</source>
            <translation>移除表格(&amp;B)</translation>
        </message>
        <message>
            <source>Ledgers to join</source>
            <translation>要挂接的台账</translation>
        </message>
        <message>
            <source>Source</source>
            <translation>来源</translation>
        </message>
        <message>
            <source>Layer</source>
            <translation>图层</translation>
        </message>
        <message>
            <source>Features in → out</source>
            <translation>要素 读入 → 写出</translation>
        </message>
        <message>
            <source>Role</source>
            <translation>角色</translation>
        </message>
        <message>
            <source>Why</source>
            <translation>依据</translation>
        </message>
        <message>
            <source>Fields</source>
            <translation>字段</translation>
        </message>
        <message>
            <source>Texts</source>
            <translation>文字</translation>
        </message>
        <message>
            <source>Edit &amp;Fields…</source>
            <translation>编辑字段(&amp;F)…</translation>
        </message>
        <message>
            <source>Source layers and their roles in the park</source>
            <translation>源图层及其在园区中的角色</translation>
        </message>
        <message>
            <source>Pick a role, or leave a layer out; double-click its fields to map them.</source>
            <translation>为图层选择角色，或不导入；双击字段列可映射字段。</translation>
        </message>
        <message>
            <source>Text</source>
            <translation>文字</translation>
        </message>
        <message>
            <source>X</source>
            <translation>X</translation>
        </message>
        <message>
            <source>Y</source>
            <translation>Y</translation>
        </message>
        <message>
            <source>Assigned to</source>
            <translation>归属</translation>
        </message>
        <message>
            <source>Texts in drawings</source>
            <translation>图纸中的文字</translation>
        </message>
        <message>
            <source>Messages</source>
            <translation>消息</translation>
        </message>
        <message>
            <source>Report</source>
            <translation>报告</translation>
        </message>
        <message>
            <source>The park as it would be built</source>
            <translation>将要构建的园区</translation>
        </message>
        <message>
            <source>EPSG:4547</source>
            <translation>EPSG:4547</translation>
        </message>
        <message>
            <source>The coordinate system of sources that have none (every drawing), as --s-srs</source>
            <translation>没有坐标系的数据源（所有图纸）所用的坐标系，同 --s-srs</translation>
        </message>
        <message>
            <source>&amp;Choose…</source>
            <translation>选择(&amp;C)…</translation>
        </message>
        <message>
            <source>park.gpkg</source>
            <translation>park.gpkg</translation>
        </message>
        <message>
            <source>Bro&amp;wse…</source>
            <translation>浏览(&amp;W)…</translation>
        </message>
        <message>
            <source>Coordinate system of drawings:</source>
            <translation>图纸坐标系：</translation>
        </message>
        <message>
            <source>Park to write:</source>
            <translation>写出园区：</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>关闭</translation>
        </message>
        <message>
            <source>Save Import Report</source>
            <translation>保存导入报告</translation>
        </message>
        <message>
            <source>JSON (*.json)</source>
            <translation>JSON (*.json)</translation>
        </message>
        <message>
            <source>The park is being built. Stop the build and close? Nothing will be written.</source>
            <translation>正在构建园区。停止构建并关闭？将不写出任何内容。</translation>
        </message>
        <message>
            <source>Add Sources</source>
            <translation>添加数据源</translation>
        </message>
        <message>
            <source>Drawings and GIS data (*.dxf *.dwg *.gpkg *.shp *.mdb *.vct *.geojson *.json *.sqlite *.tab *.kml);;All files (*)</source>
            <translation>图纸和 GIS 数据 (*.dxf *.dwg *.gpkg *.shp *.mdb *.vct *.geojson *.json *.sqlite *.tab *.kml);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Add a Folder of Shapefiles or a File Geodatabase (.gdb)</source>
            <translation>添加 Shapefile 文件夹或文件地理数据库（.gdb）</translation>
        </message>
        <message>
            <source>The table's key column as its header says it; empty: found by the key's names (宗地代码, 地块编号 …)</source>
            <translation>表格中关联列的表头名称；留空则按关联键的名称查找（宗地代码、地块编号 …）</translation>
        </message>
        <message>
            <source>The layer holding the key</source>
            <translation>含有该关联键的图层</translation>
        </message>
        <message>
            <source>Add Ledgers to Join</source>
            <translation>添加要挂接的台账</translation>
        </message>
        <message>
            <source>Ledgers (*.xlsx *.xlsm *.xls *.csv);;All files (*)</source>
            <translation>台账 (*.xlsx *.xlsm *.xls *.csv);;所有文件 (*)</translation>
        </message>
        <message>
            <source>the drawings</source>
            <translation>图纸</translation>
        </message>
        <message>
            <source>Park to Write</source>
            <translation>写出园区</translation>
        </message>
        <message>
            <source>GeoPackage (*.gpkg)</source>
            <translation>GeoPackage (*.gpkg)</translation>
        </message>
        <message>
            <source>Reading the sources…</source>
            <translation>正在读取数据源…</translation>
        </message>
        <message>
            <source>CAD layer</source>
            <translation>CAD 图层</translation>
        </message>
        <message>
            <source>(leave out)</source>
            <translation>（不导入）</translation>
        </message>
        <message>
            <source> (kind %1)</source>
            <translation>（类型 %1）</translation>
        </message>
        <message numerus="yes">
            <source>%n dropped: %1</source>
            <translation><numerusform>舍弃 %n 个：%1</numerusform></translation>
        </message>
        <message>
            <source>from the texts inside its plots</source>
            <translation>取自地块内的文字</translation>
        </message>
        <message>
            <source>%1 dropped</source>
            <translation>%1 舍弃</translation>
        </message>
        <message numerus="yes">
            <source>%n kept as named</source>
            <translation><numerusform>%n 个保持原名</numerusform></translation>
        </message>
        <message>
            <source>A plot's number, land-use code, FAR, density and green ratio are read from the texts inside it</source>
            <translation>地块编号、用地代码、容积率、建筑密度和绿地率取自地块内的文字</translation>
        </message>
        <message>
            <source>Double-click to map the fields</source>
            <translation>双击以映射字段</translation>
        </message>
        <message>
            <source>%1 has no coordinate system: choose one.</source>
            <translation>%1 没有坐标系：请选择一个。</translation>
        </message>
        <message>
            <source>Its eastings carry zone %1: EPSG:%2 is proposed.</source>
            <translation>其东坐标带有带号 %1：建议 EPSG:%2。</translation>
        </message>
        <message>
            <source>The other sources are in %1.</source>
            <translation>其他数据源为 %1。</translation>
        </message>
        <message>
            <source>Sources without a coordinate system are read in %1; the park is in %2.</source>
            <translation>没有坐标系的数据源按 %1 读取；园区坐标系为 %2。</translation>
        </message>
        <message>
            <source>Every source has its coordinate system; the park is in %1.</source>
            <translation>每个数据源都有坐标系；园区坐标系为 %1。</translation>
        </message>
        <message>
            <source>Add the drawings, databases and folders the park comes from.</source>
            <translation>添加园区数据所在的图纸、数据库和文件夹。</translation>
        </message>
        <message>
            <source>The sources could not be read: see Messages.</source>
            <translation>无法读取数据源：见“消息”。</translation>
        </message>
        <message>
            <source>Nothing would be imported: no layer gives a feature to a role.</source>
            <translation>没有可导入的内容：没有图层为任何角色提供要素。</translation>
        </message>
        <message>
            <source>Would write: %1.</source>
            <translation>将写出：%1。</translation>
        </message>
        <message>
            <source>%1 comes from several sources: leave one out if it repeats the other.</source>
            <translation>%1 来自多个数据源：若彼此重复，请不导入其中一个。</translation>
        </message>
        <message>
            <source>%1 on %2</source>
            <translation>%2 上的 %1</translation>
        </message>
        <message>
            <source>not assigned: %1</source>
            <translation>未归属：%1</translation>
        </message>
        <message>
            <source>Texts in drawings (%1, %2 not assigned)</source>
            <translation>图纸中的文字（%1 条，%2 条未归属）</translation>
        </message>
        <message>
            <source>Messages (%1)</source>
            <translation>消息（%1）</translation>
        </message>
        <message>
            <source>Replace the Park?</source>
            <translation>替换园区？</translation>
        </message>
        <message>
            <source>%1 exists. Replace it with the park built now?</source>
            <translation>%1 已存在。用现在构建的园区替换它？</translation>
        </message>
        <message>
            <source>Building %1…</source>
            <translation>正在构建 %1…</translation>
        </message>
        <message>
            <source>The build had finished before it could be cancelled: %1 was written.</source>
            <translation>取消前构建已完成：已写出 %1。</translation>
        </message>
        <message>
            <source>Build cancelled; nothing was written.</source>
            <translation>已取消构建；未写出任何内容。</translation>
        </message>
        <message>
            <source>Built %1. Open it in the viewer, or save the report.</source>
            <translation>已构建 %1。可在查看器中打开，或保存报告。</translation>
        </message>
        <message>
            <source>The park could not be built: %1</source>
            <translation>无法构建园区：%1</translation>
        </message>
        <message>
            <source>Report saved to %1.</source>
            <translation>报告已保存到 %1。</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::ChangesPanel</name>
        <message>
            <source>%1 (%2)</source>
            <translation>%1（%2）</translation>
        </message>
        <message>
            <source>%1 was transformed from %2 to be compared</source>
            <translation>%1 已从 %2 转换坐标后比较</translation>
        </message>
        <message>
            <source>%1 → %2: %3 added, %4 changed, %5 removed</source>
            <translation>%1 → %2：新增 %3 处，变更 %4 处，灭失 %5 处</translation>
        </message>
        <message>
            <source>&amp;Compare</source>
            <translation>比较(&amp;C)</translation>
        </message>
        <message>
            <source>Added</source>
            <translation>新增</translation>
        </message>
        <message>
            <source>Another park (GeoPackage, folder, project)…</source>
            <translation>另一个园区（GeoPackage、文件夹、工程文件）…</translation>
        </message>
        <message>
            <source>Between two dates</source>
            <translation>两个日期之间</translation>
        </message>
        <message>
            <source>Browse…</source>
            <translation>浏览…</translation>
        </message>
        <message>
            <source>Change</source>
            <translation>变化</translation>
        </message>
        <message>
            <source>Changed</source>
            <translation>变更</translation>
        </message>
        <message>
            <source>Compare with park</source>
            <translation>与园区比较</translation>
        </message>
        <message>
            <source>Compare with the park as it is now</source>
            <translation>与园区现状比较</translation>
        </message>
        <message>
            <source>Comparing…</source>
            <translation>正在比较…</translation>
        </message>
        <message>
            <source>From</source>
            <translation>从</translation>
        </message>
        <message>
            <source>Id</source>
            <translation>编号</translation>
        </message>
        <message>
            <source>Matched by %1</source>
            <translation>按 %1 匹配</translation>
        </message>
        <message>
            <source>Mu after</source>
            <translation>变化后（亩）</translation>
        </message>
        <message>
            <source>Mu before</source>
            <translation>变化前（亩）</translation>
        </message>
        <message>
            <source>Now</source>
            <translation>现状</translation>
        </message>
        <message>
            <source>Parks (*.gpkg *.parkatlas.json);;All files (*)</source>
            <translation>园区 (*.gpkg *.parkatlas.json);;所有文件 (*)</translation>
        </message>
        <message>
            <source>Removed</source>
            <translation>灭失</translation>
        </message>
        <message>
            <source>The comparison failed: %1</source>
            <translation>比较失败：%1</translation>
        </message>
        <message>
            <source>What changed</source>
            <translation>变化内容</translation>
        </message>
        <message>
            <source>Whether the other park is the earlier or the later one</source>
            <translation>另一个园区是较早的还是较晚的</translation>
        </message>
        <message>
            <source>With another park file</source>
            <translation>与另一个园区文件</translation>
        </message>
        <message>
            <source>is newer</source>
            <translation>较新</translation>
        </message>
        <message>
            <source>is older</source>
            <translation>较旧</translation>
        </message>
        <message>
            <source>merge</source>
            <translation>合并</translation>
        </message>
        <message>
            <source>now</source>
            <translation>现状</translation>
        </message>
        <message>
            <source>shape</source>
            <translation>图形</translation>
        </message>
        <message>
            <source>split and merge</source>
            <translation>分割合并</translation>
        </message>
        <message>
            <source>split</source>
            <translation>分割</translation>
        </message>
        <message>
            <source>to</source>
            <translation>至</translation>
        </message>
        <message>
            <source>unknown</source>
            <translation>未知</translation>
        </message>
        <message>
            <source>Compare the open park as it was on two days (from the history it keeps), or with another park file</source>
            <translation>比较当前园区在两个日期的状况（依据其保存的历史），或与另一个园区文件比较</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::AnalysisPanel</name>
        <message>
            <source>&amp;Run</source>
            <translation>运行(&amp;R)</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Export…</source>
            <translation>导出…</translation>
        </message>
        <message>
            <source>Exported to %1</source>
            <translation>已导出到 %1</translation>
        </message>
        <message>
            <source>Export failed: %1</source>
            <translation>导出失败：%1</translation>
        </message>
        <message>
            <source>Cancelled</source>
            <translation>已取消</translation>
        </message>
        <message>
            <source>Open a park first.</source>
            <translation>请先打开园区。</translation>
        </message>
        <message>
            <source>Exporting to %1…</source>
            <translation>正在导出到 %1…</translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::ParcelSheetDialog</name>
        <message>
            <source>no park is open</source>
            <translation>未打开园区</translation>
        </message>
        <message>
            <source>the park has no %1 layer</source>
            <translation>园区没有 %1 图层</translation>
        </message>
        <message>
            <source>FID %1 is not in the park&apos;s %2 layer (left out)</source>
            <translation>FID %1 不在园区的 %2 图层中（已略去）</translation>
        </message>
        <message>
            <source>none of the plots is in the park&apos;s %1 layer</source>
            <translation>所选宗地均不在园区的 %1 图层中</translation>
        </message>
        <message>
            <source>Parcel Sheet</source>
            <translation>宗地图</translation>
        </message>
        <message>
            <source>(none)</source>
            <translation>（无）</translation>
        </message>
        <message>
            <source>the drawing organisation (制图单位)</source>
            <translation>制图单位</translation>
        </message>
        <message>
            <source>today</source>
            <translation>今天</translation>
        </message>
        <message>
            <source>fit (round scale)</source>
            <translation>自动（取整比例尺）</translation>
        </message>
        <message>
            <source>Template</source>
            <translation>模板</translation>
        </message>
        <message>
            <source>Title</source>
            <translation>标题</translation>
        </message>
        <message>
            <source>Paper</source>
            <translation>纸张</translation>
        </message>
        <message>
            <source>Organisation</source>
            <translation>制图单位</translation>
        </message>
        <message>
            <source>Date</source>
            <translation>日期</translation>
        </message>
        <message>
            <source>Scale</source>
            <translation>比例尺</translation>
        </message>
        <message>
            <source>Preview of</source>
            <translation>预览宗地</translation>
        </message>
        <message>
            <source>Page</source>
            <translation>页</translation>
        </message>
        <message numerus="yes">
            <source>%n plot(s): one sheet each, in one PDF</source>
            <translation><numerusform>%n 宗地：每宗一张宗地图，合为一个 PDF</numerusform></translation>
        </message>
        <message>
            <source>Preparing the preview…</source>
            <translation>正在准备预览…</translation>
        </message>
        <message>
            <source>&amp;Save PDF…</source>
            <translation>保存 PDF(&amp;S)…</translation>
        </message>
        <message>
            <source>Cancel Saving</source>
            <translation>取消保存</translation>
        </message>
        <message>
            <source>No plot chosen.</source>
            <translation>未选择宗地。</translation>
        </message>
        <message>
            <source>No preview: %1</source>
            <translation>无法预览：%1</translation>
        </message>
        <message>
            <source>Save Parcel Sheets</source>
            <translation>保存宗地图</translation>
        </message>
        <message>
            <source>PDF (*.pdf)</source>
            <translation>PDF (*.pdf)</translation>
        </message>
        <message numerus="yes">
            <source>Writing %n sheet(s) to %1…</source>
            <translation><numerusform>正在将 %n 张宗地图写入 %1…</numerusform></translation>
        </message>
        <message>
            <source>Cancelled: nothing was written.</source>
            <translation>已取消：未写入任何文件。</translation>
        </message>
        <message numerus="yes">
            <source>Wrote %1 (%n page(s)).</source>
            <translation><numerusform>已写入 %1（%n 页）。</numerusform></translation>
        </message>
    </context>
    <context>
        <name>parkatlas::desktop::ParcelSheetLauncher</name>
        <message>
            <source>&amp;Parcel Sheet…</source>
            <translation>宗地图(&amp;P)…</translation>
        </message>
        <message>
            <source>宗地图 and 界址点成果表 of the selected plots</source>
            <translation>所选宗地的宗地图和界址点成果表</translation>
        </message>
        <message numerus="yes">
            <source>&amp;Parcel Sheet (%n plot(s))…</source>
            <translation><numerusform>宗地图(&amp;P)（%n 宗）…</numerusform></translation>
        </message>
        <message numerus="yes">
            <source>Parcel &amp;Sheet (%n plot(s))…</source>
            <translation><numerusform>宗地图(&amp;S)（%n 宗）…</numerusform></translation>
        </message>
    </context>
</TS>