// The map pages read back: one entry a land-use class across classification systems, legends
// that wrap instead of cutting, labels over every fill and inside the frame, the footnote's
// classifications and ballpark transforms, the scale chosen for what a template is about, and
// page-export failures in the project's error family.

#include "render_test_support.h"

#include "app/render/legend.h"
#include "app/render/map_renderer.h"
#include "app/render/page_layout.h"
#include "app/render/page_renderer.h"
#include "app/render/page_tables.h"
#include "app/render/park_page.h"
#include "app/render/role_style_book.h"
#include "geo/error.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/measure/layer_measure.h"
#include "geo/model/land_use_classification.h"
#include "geo/rules/finding.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

namespace {

const QString kStyles = QStringLiteral(PARKATLAS_STYLES_DIR);
const std::string kSampleGpkg = PARKATLAS_SAMPLE_DIR "/park.gpkg";
const std::string kSampleShpProject = PARKATLAS_SAMPLE_DIR "/shp.parkatlas.json";

/// A park layer of `role` in EPSG:4547: one 90 m square a code, side by side, with a land_use
/// field holding `codes` in the declared `classification`.
geo::ParkLayer landUseLayer(geo::Role role, const std::vector<std::string>& codes,
                            const std::string& classification)
{
    std::vector<Feature> features;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const double x = 500000 + 100.0 * static_cast<double>(i);
        features.push_back({{square(x, 3300000, x + 90, 3300090)}});
    }
    geo::ParkLayer parkLayer;
    parkLayer.role = role;
    auto layer = std::make_shared<geo::Layer>(
        *makeLayer(geo::toString(role), geo::GeometryKind::Polygon, features));
    layer->crs = geo::Crs::fromEpsg(4547);
    layer->attributes.setFields({{"land_use", geo::FieldType::String, 20, 0}});
    for (const std::string& code : codes) {
        layer->attributes.setText(0, code);
        layer->attributes.commitRow();
    }
    parkLayer.layer = layer;
    parkLayer.fieldIndex = geo::resolveContractFields(role, parkLayer.layer->attributes);
    parkLayer.classification = classification;
    parkLayer.classificationOrigin = "in the test";
    return parkLayer;
}

/// A plan in GB 50137-2011 codes under parcels in GB/T 21010-2017 codes, on the same ground:
/// M and 0601 are one class (工业用地, GTKJ-2023 1001), B11 and 0501 (零售商业用地), G and 0810
/// (绿地与开敞空间用地 / 公园与绿地); R2 (broader than 070102) and 0701 are not the same.
std::shared_ptr<const geo::Park> twoSystemPark()
{
    auto park = std::make_shared<geo::Park>();
    park->name = "双体系园";
    park->crs = geo::Crs::fromEpsg(4547);
    park->layers.push_back(
        landUseLayer(geo::Role::PlanZones, {"M", "B11", "G", "R2"}, geo::kGb50137));
    park->layers.push_back(
        landUseLayer(geo::Role::Parcels, {"0601", "0501", "0810", "0701"}, geo::kGbt21010));
    return park;
}

/// The text of a PDF (pdftotext), all white space removed so that wrapped lines read on;
/// empty when poppler's pdftotext is missing.
QString compactPdfText(const QString& pdf)
{
    QProcess process;
    process.start(QStringLiteral("pdftotext"),
                  {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
    if (!process.waitForFinished(30000) || process.exitCode() != 0)
        return {};
    return QString::fromUtf8(process.readAllStandardOutput())
        .remove(QRegularExpression(QStringLiteral("\\s")));
}

QString compact(QString text)
{
    return text.remove(QRegularExpression(QStringLiteral("\\s")));
}

bool hasPdftotext()
{
    QProcess process;
    process.start(QStringLiteral("pdftotext"), {QStringLiteral("-v")});
    return process.waitForFinished(10000);
}

/// Pixels darker than a label's halo and a grey fill, in `rect`.
int darkPixels(const QImage& image, const QRect& rect)
{
    int dark = 0;
    for (int y = std::max(0, rect.top()); y <= std::min(image.height() - 1, rect.bottom()); ++y)
        for (int x = std::max(0, rect.left()); x <= std::min(image.width() - 1, rect.right()); ++x)
            if (qGray(image.pixel(x, y)) < 100)
                ++dark;
    return dark;
}

/// Polygons or points with one text field, parcel_id, labelled in black on no fill.
std::shared_ptr<const geo::Layer> labelledLayer(geo::GeometryKind kind,
                                                const std::vector<Feature>& features,
                                                const std::vector<std::string>& ids)
{
    auto layer = std::make_shared<geo::Layer>(*makeLayer("parcels", kind, features));
    layer->attributes.setFields({{"parcel_id", geo::FieldType::String, 20, 0}});
    for (const std::string& id : ids) {
        layer->attributes.setText(0, id);
        layer->attributes.commitRow();
    }
    return layer;
}

LayerStyle labelStyle()
{
    LayerStyle style;
    style.fill = QColor(0, 0, 0, 0);
    style.strokeWidth = 0;
    style.pointDiameter = 4;
    style.labelFields = {0};
    style.labelFont = cjkFont(10);
    style.labelColour = Qt::black;
    return style;
}

} // namespace

TEST(MapPagesTest, AClassOfTwoSystemsIsOneLegendEntryNamingBothCodes)
{
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    ASSERT_TRUE(book.problems().isEmpty()) << book.problems().join("; ").toStdString();
    const auto park = twoSystemPark();
    std::vector<LayerSnapshot> snapshots;
    for (const geo::ParkLayer& parkLayer : park->layers)
        snapshots.push_back(
            book.snapshotFor(parkLayer.layer, parkLayer.role, {}, 0, parkLayer.classification));
    const std::vector<LegendEntry> entries = legendEntries(snapshots, combinedExtent(snapshots));
    std::map<QString, int> byLabel;
    for (const LegendEntry& entry : entries)
        ++byLabel[entry.label];
    // Parcels are listed first (the top layer): their code leads, the plan's follows.
    EXPECT_EQ(byLabel[QStringLiteral("0601 / M 工业用地")], 1) << entries.size();
    EXPECT_EQ(byLabel[QStringLiteral("0501 / B11 零售商业用地")], 1);
    EXPECT_EQ(byLabel.count(QStringLiteral("M 工业用地")), 0u);
    EXPECT_EQ(byLabel.count(QStringLiteral("0601 工业用地")), 0u);
    // Not the same class: each its own entry.
    EXPECT_EQ(byLabel[QStringLiteral("0701 城镇住宅用地")], 1);
    EXPECT_EQ(byLabel[QStringLiteral("R2 二类居住用地")], 1);
    // Four pairs' worth of codes in five entries: 0601/M, 0501/B11, 0810/G, 0701, R2.
    EXPECT_EQ(entries.size(), 5u);
}

TEST(MapPagesTest, ThePagesLegendAndFootnoteShowEachCrosswalkedClassOnceAndNameBothSystems)
{
    if (!hasPdftotext())
        GTEST_SKIP() << "pdftotext (poppler-utils) is missing";
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    PageLayout layout;
    layout.paper = QStringLiteral("A4");
    layout.layers = {QStringLiteral("plan_zones"), QStringLiteral("parcels")};
    layout.table = PageTableKind::LandUse;
    geo::IssueList issues;
    ParkPageOptions options;
    options.source = "双体系园.gpkg";
    const PageRenderer page = parkPage(twoSystemPark(), layout, book, options, issues);
    QTemporaryDir directory;
    const QString pdf = directory.filePath(QStringLiteral("page.pdf"));
    const PageExportResult result = page.exportTo(pdf, PageFormat::Pdf, 300);
    EXPECT_TRUE(result.warnings.isEmpty()) << result.warnings.join("; ").toStdString();
    const QString text = compactPdfText(pdf);
    ASSERT_FALSE(text.isEmpty());
    EXPECT_EQ(text.count(QStringLiteral("0601/M工业用地")), 1) << text.toStdString();
    EXPECT_EQ(text.count(QStringLiteral("0810/G")), 1);
    EXPECT_EQ(text.count(QStringLiteral("M工业用地")), 1); // only inside "0601/M工业用地"
    // Each layer's classification, as declared, in the footnote.
    EXPECT_TRUE(text.contains(compact(QStringLiteral("控规地块 GB 50137-2011"))))
        << text.toStdString();
    EXPECT_TRUE(text.contains(compact(QStringLiteral("宗地 GB/T 21010-2017"))));
}

TEST(MapPagesTest, TheSampleTableSumsCodesOfOneClassIntoOneRow)
{
    if (!std::filesystem::exists(kSampleGpkg))
        GTEST_SKIP() << "sample park not generated";
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    geo::IssueList issues;
    const auto park = std::make_shared<const geo::Park>(
        geo::loadPark(geo::discoverPark(kSampleGpkg), {}, issues));
    const geo::ParkLayer* parcels = park->layer(geo::Role::Parcels);
    ASSERT_NE(parcels, nullptr);
    const geo::LedgerTable table = landUseTable(*parcels, parcels->layer->geometry.extent(), book,
                                                geo::AreaMethod::Ellipsoidal, issues);
    // By hand: the parcels of each code, measured one by one.
    const geo::LayerMeasure measure =
        geo::measureLayer(*parcels->layer, geo::AreaMethod::Ellipsoidal, issues);
    const int field = parcels->field("land_use");
    std::map<std::string, double> areaM2;
    std::map<std::string, std::int64_t> count;
    for (std::size_t f = 0; f < parcels->layer->featureCount(); ++f) {
        if (parcels->layer->attributes.isUnknown(f, field))
            continue;
        const std::string code = parcels->layer->attributes.text(f, field);
        areaM2[code] += measure.areaM2[f];
        ++count[code];
    }
    ASSERT_GT(count["M1"], 0);
    ASSERT_GT(count["100101"], 0);
    std::map<std::string, std::size_t> rowOf;
    for (std::size_t r = 0; r < table.rows.size(); ++r)
        rowOf[std::get<std::string>(table.rows[r][0])] = r;
    // M1 (GB 50137) is 100101 (GTKJ-2023); B1 is 0901: one row each, never the codes alone.
    for (const auto& [merged, parts] : std::map<std::string, std::vector<std::string>>{
             {"100101 / M1", {"100101", "M1"}}, {"0901 / B1", {"0901", "B1"}}}) {
        ASSERT_TRUE(rowOf.count(merged)) << merged;
        const auto& row = table.rows[rowOf[merged]];
        double expectedMu = 0;
        std::int64_t expectedCount = 0;
        for (const std::string& code : parts) {
            EXPECT_EQ(rowOf.count(code), 0u) << code << " has a row of its own";
            expectedMu += areaM2[code] / (10000.0 / 15.0);
            expectedCount += count[code];
        }
        EXPECT_EQ(std::get<std::int64_t>(row[2]), expectedCount) << merged;
        EXPECT_NEAR(std::get<double>(row[3]), expectedMu, 1e-9 * expectedMu) << merged;
    }
    // Never double counted: the rows still add up to the total, which is every parcel.
    double rowsMu = 0;
    for (const auto& row : table.rows)
        rowsMu += std::get<double>(row[3]);
    EXPECT_NEAR(rowsMu, std::get<double>(table.total[3]), 1e-9 * rowsMu);
    EXPECT_EQ(std::get<std::int64_t>(table.total[2]),
              static_cast<std::int64_t>(parcels->layer->featureCount()));
}

TEST(MapPagesTest, TheComplianceMapIsFramedOnTheParkAtTheFinestRoundScaleThatHoldsIt)
{
    if (!std::filesystem::exists(kSampleGpkg))
        GTEST_SKIP() << "sample park not generated";
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    geo::IssueList issues;
    const auto park = std::make_shared<const geo::Park>(
        geo::loadPark(geo::discoverPark(kSampleGpkg), {}, issues));
    const PageLayout layout = PageLayout::loadTemplate(QStringLiteral("规划符合性分析图"), kStyles);
    ASSERT_EQ(layout.focus, QStringList({QStringLiteral("boundary"), QStringLiteral("parcels"),
                                         QStringLiteral("plan_zones")}));
    const std::vector<geo::Finding> noFindings;
    ParkPageOptions options;
    options.findings = &noFindings;
    const PageRenderer page = parkPage(park, layout, book, options, issues);

    geo::Envelope parkExtent;
    for (const geo::ParkLayer& parkLayer : park->layers)
        if (layout.focus.contains(QString::fromUtf8(geo::toString(parkLayer.role))))
            parkExtent.expand(parkLayer.layer->geometry.extent());
    const geo::Envelope& frame = page.frameExtent();
    EXPECT_LE(frame.minX, parkExtent.minX);
    EXPECT_GE(frame.maxX, parkExtent.maxX);
    EXPECT_LE(frame.minY, parkExtent.minY);
    EXPECT_GE(frame.maxY, parkExtent.maxY);
    // A round scale, and the next finer one of the series would not hold the park.
    const double scale = page.scaleDenominator();
    EXPECT_EQ(scale, roundScaleUp(scale));
    double finer = 0;
    for (double candidate = 100; candidate < scale; candidate = roundScaleUp(candidate + 1))
        finer = candidate;
    ASSERT_GT(finer, 0);
    const double finerWidthM = page.mapFrameMm().width() * finer / 1000;
    const double finerHeightM = page.mapFrameMm().height() * finer / 1000;
    EXPECT_TRUE(parkExtent.width() > 0.98 * finerWidthM ||
                parkExtent.height() > 0.98 * finerHeightM)
        << "1:" << finer << " would hold the park too";
    // The sample was put at 1:50 000 by the decimal series (1, 2, 2.5, 5): half the size.
    EXPECT_LT(scale, 50000);
    EXPECT_EQ(scale, 25000);
}

TEST(MapPagesTest, AFarLayerOutsideTheFocusDoesNotShrinkThePark)
{
    auto parcels = makeLayer("parcels", geo::GeometryKind::Polygon,
                             {{{square(500000, 3300000, 503000, 3302000)}}});
    auto farAway = makeLayer("protected", geo::GeometryKind::Polygon,
                             {{{square(530000, 3320000, 531000, 3321000)}}});
    const geo::Crs crs = geo::Crs::fromEpsg(4547);
    std::const_pointer_cast<geo::Layer>(parcels)->crs = crs;
    std::const_pointer_cast<geo::Layer>(farAway)->crs = crs;
    const std::vector<LayerSnapshot> layers = {{parcels, LayerStyle(), geo::Role::Parcels},
                                               {farAway, LayerStyle(), geo::Role::Protected}};
    PageLayout layout;
    const PageRenderer everything(layout, layers, crs, QStringLiteral("园"));
    layout.focus = {QStringLiteral("parcels")};
    const PageRenderer focused(layout, layers, crs, QStringLiteral("园"));
    EXPECT_GE(everything.frameExtent().maxX, 531000);
    EXPECT_LT(focused.frameExtent().maxX, 530000);
    EXPECT_LE(focused.frameExtent().minX, 500000);
    EXPECT_GE(focused.frameExtent().maxX, 503000);
    EXPECT_LT(focused.scaleDenominator(), everything.scaleDenominator() / 5);
    // A focus the page does not have falls back to every layer.
    layout.focus = {QStringLiteral("idle_land")};
    const PageRenderer fallback(layout, layers, crs, QStringLiteral("园"));
    EXPECT_EQ(fallback.scaleDenominator(), everything.scaleDenominator());
}

TEST(MapPagesTest, TheFootnoteNamesALayerReadByABallparkTransform)
{
    if (!hasPdftotext())
        GTEST_SKIP() << "pdftotext (poppler-utils) is missing";
    if (!std::filesystem::exists(kSampleShpProject))
        GTEST_SKIP() << "sample park not generated";
    geo::IssueList issues;
    const geo::ParkDefinition definition = geo::discoverPark(kSampleShpProject);
    geo::ParkLoadOptions load;
    load.roles = {geo::Role::Boundary, geo::Role::Parcels, geo::Role::PlanZones,
                  geo::Role::Protected, geo::Role::Roads};
    const auto park = std::make_shared<const geo::Park>(geo::loadPark(definition, load, issues));
    const geo::ParkLayer* protectedAreas = park->layer(geo::Role::Protected);
    ASSERT_NE(protectedAreas, nullptr);
    // The sample's protected areas are in Xi'an 1980; the park works in CGCS2000.
    EXPECT_NE(protectedAreas->ballparkFrom.find("Xian 1980"), std::string::npos)
        << protectedAreas->ballparkFrom;
    EXPECT_TRUE(park->layer(geo::Role::Parcels)->ballparkFrom.empty());

    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    const PageLayout layout = PageLayout::loadTemplate(QStringLiteral("规划符合性分析图"), kStyles);
    const std::vector<geo::Finding> noFindings;
    ParkPageOptions options;
    options.findings = &noFindings;
    options.source = kSampleShpProject;
    const PageRenderer page = parkPage(park, layout, book, options, issues);
    QTemporaryDir directory;
    const QString pdf = directory.filePath(QStringLiteral("compliance.pdf"));
    const PageExportResult result = page.exportTo(pdf, PageFormat::Pdf, 300);
    EXPECT_TRUE(result.warnings.isEmpty()) << result.warnings.join("; ").toStdString();
    const QString text = compactPdfText(pdf);
    ASSERT_FALSE(text.isEmpty());
    EXPECT_TRUE(text.contains(QStringLiteral("近似坐标转换"))) << text.toStdString();
    EXPECT_TRUE(text.contains(compact(QStringLiteral("管控线由 ") +
                                      QString::fromStdString(protectedAreas->ballparkFrom))))
        << text.toStdString();
    // And the classifications of its land-use layers, as detected.
    EXPECT_TRUE(text.contains(QStringLiteral("用地分类：宗地"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("控规地块GB50137-2011")));
}

TEST(MapPagesTest, LongLegendEntriesAreWrappedNeverCut)
{
    if (!hasPdftotext())
        GTEST_SKIP() << "pdftotext (poppler-utils) is missing";
    auto layer =
        std::make_shared<geo::Layer>(*makeLayer("规划方案", geo::GeometryKind::Polygon,
                                                {{{square(500000, 3300000, 500100, 3300100)}},
                                                 {{square(500200, 3300000, 500300, 3300100)}},
                                                 {{square(500400, 3300000, 500500, 3300100)}}}));
    layer->crs = geo::Crs::fromEpsg(4547);
    LayerStyle style;
    const QStringList labels = {
        QStringLiteral("一类工业用地兼容研发设计与中试生产的新型产业用地（M0）示范片区"),
        QStringLiteral("二类工业用地中须设置卫生防护距离的化工新材料与精细化工项目"),
        QStringLiteral("区域公用设施用地：供水、排水、供电、通信、燃气、供热及环卫设施")};
    for (const QString& label : labels) {
        Symbol symbol;
        symbol.fill = QColor(200, 160, 120);
        symbol.label = label;
        style.classes.push_back(symbol);
    }
    style.featureClass =
        std::make_shared<const std::vector<std::uint16_t>>(std::vector<std::uint16_t>{0, 1, 2});
    PageLayout layout;
    layout.paper = QStringLiteral("A4");
    layout.landscape = false; // the narrowest legend of all
    layout.table = PageTableKind::None;
    const PageRenderer page(layout, {{layer, style}}, layer->crs, QStringLiteral("园"));
    QTemporaryDir directory;
    const QString pdf = directory.filePath(QStringLiteral("legend.pdf"));
    const PageExportResult result = page.exportTo(pdf, PageFormat::Pdf, 300);
    EXPECT_TRUE(result.warnings.isEmpty()) << result.warnings.join("; ").toStdString();
    const QString text = compactPdfText(pdf);
    ASSERT_FALSE(text.isEmpty());
    for (const QString& label : labels)
        EXPECT_TRUE(text.contains(compact(QStringLiteral("规划方案：") + label)))
            << label.toStdString() << "\n"
            << text.toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("…")));
}

TEST(LabelPlacementTest, LabelsAreDrawnOverTheFillsOfEveryLayerAbove)
{
    // A labelled plot under a grey building that covers it whole: the label shows over the
    // building, as it does over its own plot.
    auto parcels =
        labelledLayer(geo::GeometryKind::Polygon, {{{square(20, 60, 180, 140)}}}, {"宗地甲一号"});
    auto buildings =
        makeLayer("buildings", geo::GeometryKind::Polygon, {{{square(10, 50, 190, 150)}}});
    LayerStyle grey;
    grey.fill = QColor(160, 160, 160);
    grey.strokeWidth = 0;
    const MapSettings settings(geo::Envelope{0, 0, 200, 200}, QSize(200, 200), 96, Qt::white,
                               {{parcels, labelStyle()}, {buildings, grey}});
    const RenderResult result = MapRenderer(settings).render();
    ASSERT_TRUE(result.errors.empty());
    EXPECT_EQ(result.labelsDrawn, 1U);
    EXPECT_GT(darkPixels(result.image, QRect(60, 90, 80, 20)), 20);
    // The building is drawn: grey around the label.
    EXPECT_EQ(qGray(result.image.pixel(15, 100)), 160);
}

TEST(LabelPlacementTest, ALabelThatWouldCrossTheFrameIsMovedOrLeftOut)
{
    // A plot at the right edge: its label, centred, would be cut by the frame, and the plot is
    // too narrow to hold it elsewhere: left out. A point at the right edge: labelled on the left.
    auto plot =
        labelledLayer(geo::GeometryKind::Polygon, {{{square(185, 90, 199, 110)}}}, {"宗地乙二号"});
    const RenderResult cut = MapRenderer(MapSettings(geo::Envelope{0, 0, 200, 200}, QSize(200, 200),
                                                     96, Qt::white, {{plot, labelStyle()}}))
                                 .render();
    EXPECT_EQ(cut.labelsDrawn, 0U);
    EXPECT_EQ(darkPixels(cut.image, QRect(150, 80, 50, 40)), 0);

    auto point = labelledLayer(geo::GeometryKind::Point, {{{{{190, 100}}}}}, {"泵站"});
    const RenderResult moved =
        MapRenderer(MapSettings(geo::Envelope{0, 0, 200, 200}, QSize(200, 200), 96, Qt::white,
                                {{point, labelStyle()}}))
            .render();
    EXPECT_EQ(moved.labelsDrawn, 1U);
    EXPECT_GT(darkPixels(moved.image, QRect(140, 90, 45, 20)), 10); // left of the marker
}

TEST(LabelPlacementTest, ALabelNeverCoversAnotherPointsMarker)
{
    // A pump station 20 px left of a substation: the pump's label, right of its marker, would
    // cover the substation's; it goes to the left instead.
    auto pump = labelledLayer(geo::GeometryKind::Point, {{{{{100, 100}}}}}, {"泵站"});
    auto substation = makeLayer("facilities", geo::GeometryKind::Point, {{{{{120, 100}}}}});
    LayerStyle marker;
    marker.fill = QColor(200, 30, 30);
    marker.strokeWidth = 0;
    marker.pointDiameter = 8;
    const RenderResult result =
        MapRenderer(MapSettings(geo::Envelope{0, 0, 200, 200}, QSize(200, 200), 96, Qt::white,
                                {{substation, marker}, {pump, labelStyle()}}))
            .render();
    EXPECT_EQ(result.labelsDrawn, 1U);
    EXPECT_GT(darkPixels(result.image, QRect(60, 90, 35, 20)), 10); // left of the pump
    // The substation's marker shows whole: its red centre is not under a label's halo.
    const QRgb centre = result.image.pixel(120, 100);
    EXPECT_GT(qRed(centre), 150);
    EXPECT_LT(qGreen(centre), 80);
}

TEST(LabelPlacementTest, LabelsKeepClearOfWhatThePageDrawsOverTheMap)
{
    auto plot =
        labelledLayer(geo::GeometryKind::Polygon, {{{square(80, 90, 120, 110)}}}, {"宗地丙三号"});
    const MapSettings settings(geo::Envelope{0, 0, 200, 200}, QSize(200, 200), 96, Qt::white,
                               {{plot, labelStyle()}});
    EXPECT_EQ(MapRenderer(settings).render().labelsDrawn, 1U);
    const RenderResult covered =
        MapRenderer(settings.withLabelObstacles({QRectF(90, 90, 20, 20)})).render();
    EXPECT_EQ(covered.labelsDrawn, 0U);
}

TEST(PageExportTest, AFolderThatCannotBeWrittenIsAnIoErrorNamingTheFile)
{
    auto parcels = makeLayer("parcels", geo::GeometryKind::Polygon,
                             {{{square(500000, 3300000, 500400, 3300300)}}});
    std::const_pointer_cast<geo::Layer>(parcels)->crs = geo::Crs::fromEpsg(4547);
    const PageRenderer page(PageLayout(), {{parcels, LayerStyle()}}, parcels->crs,
                            QStringLiteral("园"));
    QTemporaryDir directory;
    for (const char* name : {"page.pdf", "page.svg", "page.png"}) {
        const QString path =
            directory.filePath(QStringLiteral("no such folder/") + QString::fromLatin1(name));
        try {
            page.exportTo(path, *pageFormatFromPath(path), 100);
            ADD_FAILURE() << "no error for " << path.toStdString();
        } catch (const geo::IoError& error) {
            EXPECT_EQ(error.context().path, path.toStdString());
            EXPECT_NE(std::string(error.what()).find("cannot write the page"), std::string::npos);
        }
    }
    EXPECT_FALSE(QFileInfo::exists(directory.filePath(QStringLiteral("no such folder"))));
}

TEST(MapPagesTest, TheLegendLeavesOutALayerTheMapHidesAtItsScaleAndShowsOutlinesUnfilled)
{
    if (!std::filesystem::exists(kSampleGpkg))
        GTEST_SKIP() << "sample park not generated";
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    geo::IssueList issues;
    const auto park = std::make_shared<const geo::Park>(
        geo::loadPark(geo::discoverPark(kSampleGpkg), {}, issues));
    ASSERT_NE(park->layer(geo::Role::Buildings), nullptr);
    std::vector<LayerSnapshot> snapshots;
    for (const geo::ParkLayer& parkLayer : park->layers)
        snapshots.push_back(
            book.snapshotFor(parkLayer.layer, parkLayer.role, {}, 0, parkLayer.classification));
    const QString buildings = QString::fromUtf8(geo::chineseName(geo::Role::Buildings));
    auto buildingsEntry = [&](double scale) -> std::optional<LegendEntry> {
        for (const LegendEntry& entry :
             legendEntries(snapshots, combinedExtent(snapshots), scale))
            if (entry.group == buildings)
                return entry;
        return std::nullopt;
    };
    // roles.json: buildings filled to 1:10 000, outlined to 1:25 000, hidden beyond.
    const auto near = buildingsEntry(5000);
    ASSERT_TRUE(near.has_value());
    EXPECT_GT(near->symbol.fill.alpha(), 0);
    const auto middle = buildingsEntry(20000);
    ASSERT_TRUE(middle.has_value());
    EXPECT_EQ(middle->symbol.fill.alpha(), 0);
    EXPECT_GT(middle->symbol.stroke.alpha(), 0);
    ASSERT_TRUE(buildingsEntry(25000).has_value()); // exactly at the limit: still drawn
    EXPECT_FALSE(buildingsEntry(50000).has_value());
    EXPECT_TRUE(buildingsEntry(0).has_value()); // no scale known: no limits
    // The land-use classes stay at every scale.
    for (const double scale : {5000.0, 50000.0}) {
        const auto entries = legendEntries(snapshots, combinedExtent(snapshots), scale);
        EXPECT_TRUE(std::any_of(entries.begin(), entries.end(), [](const LegendEntry& e) {
            return e.label.contains(QStringLiteral("工业用地"));
        })) << scale;
    }
}
