#include "render_test_support.h"

#include "app/render/legend.h"
#include "app/render/map_settings.h"
#include "app/render/page_layout.h"
#include "app/render/page_renderer.h"
#include "app/render/page_tables.h"
#include "app/render/role_style_book.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/model/display_names.h"
#include "geo/progress.h"
#include "geo/rules/compliance.h"
#include "geo/rules/findings_total.h"
#include "geo/units.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

namespace {

const QString kStyles = QStringLiteral(PARKATLAS_STYLES_DIR);
const std::string kSamplePark = PARKATLAS_SAMPLE_DIR "/park.gpkg";

/// The sample park, every layer, shared the way the CLI shares it.
std::shared_ptr<const geo::Park> samplePark()
{
    geo::IssueList issues;
    const geo::ParkDefinition definition = geo::discoverPark(kSamplePark);
    return std::make_shared<const geo::Park>(geo::loadPark(definition, {}, issues));
}

std::vector<std::shared_ptr<const geo::Layer>>
layersOf(const std::shared_ptr<const geo::Park>& park, const QStringList& roles)
{
    std::vector<std::shared_ptr<const geo::Layer>> layers;
    for (const geo::ParkLayer& layer : park->layers)
        if (roles.isEmpty() || roles.contains(QString::fromUtf8(geo::toString(layer.role))))
            layers.push_back(layer.layer);
    return layers;
}

} // namespace

TEST(PageLayoutTest, RoundScalesAreTheSeriesOfChinesePlanningMaps)
{
    EXPECT_EQ(roundScaleUp(1000), 1000);
    EXPECT_EQ(roundScaleUp(1001), 1500);
    EXPECT_EQ(roundScaleUp(2100), 2500);
    EXPECT_EQ(roundScaleUp(3001), 4000);
    EXPECT_EQ(roundScaleUp(7400), 8000);
    EXPECT_EQ(roundScaleUp(12000), 15000);
    // Between 1:25 000 and 1:50 000, the steps the decimal series skipped.
    EXPECT_EQ(roundScaleUp(25001), 30000);
    EXPECT_EQ(roundScaleUp(30001), 40000);
    EXPECT_EQ(roundScaleUp(40001), 50000);
    EXPECT_EQ(roundScaleUp(80001), 100000);
}

TEST(PageLayoutTest, TheFiveCommitteeTemplatesLoadByName)
{
    const QStringList names = PageLayout::templateNames(kStyles);
    for (const char* name :
         {"用地现状图", "规划符合性分析图", "闲置土地分布图", "征地进度图", "道路管网工程进度图"}) {
        EXPECT_TRUE(names.contains(QString::fromUtf8(name))) << name;
        const PageLayout layout = PageLayout::loadTemplate(QString::fromUtf8(name), kStyles);
        EXPECT_EQ(layout.name, QString::fromUtf8(name));
        EXPECT_EQ(layout.paper, QStringLiteral("A3"));
        EXPECT_TRUE(layout.landscape);
        EXPECT_TRUE(layout.title.contains(QStringLiteral("{park}"))) << name;
        EXPECT_FALSE(layout.layers.isEmpty()) << name;
    }
    EXPECT_EQ(PageLayout::loadTemplate(QStringLiteral("用地现状图"), kStyles).table,
              PageTableKind::LandUse);
    EXPECT_EQ(PageLayout::loadTemplate(QStringLiteral("规划符合性分析图"), kStyles).table,
              PageTableKind::Findings);
    EXPECT_EQ(PageLayout::loadTemplate(QStringLiteral("征地进度图"), kStyles).table,
              PageTableKind::Acquisition);
}

TEST(PageLayoutTest, AUsersTemplateLoadsByPathAndATypoIsAnErrorNamingTheFile)
{
    QTemporaryDir directory;
    ASSERT_TRUE(directory.isValid());
    const QString good = directory.filePath(QStringLiteral("mine.json"));
    QFile file(good);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(R"({"paper": "a4", "orientation": "portrait", "title": "测试", "scale": 5000,
                  "table": "none", "grid": true})");
    file.close();
    const PageLayout layout = PageLayout::loadTemplate(good, kStyles);
    EXPECT_EQ(layout.name, QStringLiteral("mine"));
    EXPECT_EQ(layout.paper, QStringLiteral("A4"));
    EXPECT_FALSE(layout.landscape);
    EXPECT_EQ(layout.pageSizeMm(), QSizeF(210, 297));
    EXPECT_EQ(layout.scaleDenominator, 5000);
    EXPECT_EQ(layout.table, PageTableKind::None);
    EXPECT_TRUE(layout.grid);

    const QString typo = directory.filePath(QStringLiteral("typo.json"));
    QFile typoFile(typo);
    ASSERT_TRUE(typoFile.open(QIODevice::WriteOnly));
    typoFile.write(R"({"titel": "x"})");
    typoFile.close();
    try {
        PageLayout::loadTemplate(typo, kStyles);
        FAIL() << "a template with an unknown key loaded";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("typo.json"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("titel"), std::string::npos) << error.what();
    }
    EXPECT_THROW(PageLayout::loadTemplate(QStringLiteral("没有这个模板"), kStyles),
                 std::runtime_error);
}

TEST(PageRendererTest, AGivenScaleSetsTheFramesGroundSize)
{
    auto parcels = makeLayer("parcels", geo::GeometryKind::Polygon,
                             {{{square(500000, 3300000, 500400, 3300300)}}});
    auto layer = std::const_pointer_cast<geo::Layer>(parcels);
    layer->crs = geo::Crs::fromUserInput("EPSG:4547");
    PageLayout layout;
    layout.scaleDenominator = 2000;
    const PageRenderer page(layout, {{parcels, LayerStyle()}}, parcels->crs, QStringLiteral("园"));
    // At 1:2000 a millimetre of paper is 2 m of ground.
    EXPECT_NEAR(page.frameExtent().width(), page.mapFrameMm().width() * 2.0, 1e-6);
    EXPECT_NEAR(page.frameExtent().height(), page.mapFrameMm().height() * 2.0, 1e-6);
    EXPECT_NEAR((page.frameExtent().minX + page.frameExtent().maxX) / 2, 500200, 1e-6);
}

TEST(PageRendererTest, FittingPicksTheNextRoundScaleThatShowsEverything)
{
    auto parcels = makeLayer("parcels", geo::GeometryKind::Polygon,
                             {{{square(500000, 3300000, 503000, 3301000)}}});
    std::const_pointer_cast<geo::Layer>(parcels)->crs = geo::Crs::fromUserInput("EPSG:4547");
    PageLayout layout; // A3 landscape, fit
    const PageRenderer page(layout, {{parcels, LayerStyle()}}, parcels->crs, QStringLiteral("园"));
    EXPECT_EQ(page.scaleDenominator(), roundScaleUp(page.scaleDenominator()));
    const geo::Envelope& frame = page.frameExtent();
    EXPECT_LE(frame.minX, 500000);
    EXPECT_GE(frame.maxX, 503000);
    EXPECT_LE(frame.minY, 3300000);
    EXPECT_GE(frame.maxY, 3301000);
    // The next round scale down would not show it all.
    EXPECT_GT(3000.0 * 1000 / page.mapFrameMm().width(), page.scaleDenominator() / 2.5);
}

TEST(LegendTest, ListsOnlyTheClassesPresentInTheFrame)
{
    if (!std::filesystem::exists(kSamplePark))
        GTEST_SKIP() << "sample park not generated";
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    auto park = samplePark();
    const auto snapshots = book.styleLayers(layersOf(park, {QStringLiteral("parcels")}));
    ASSERT_EQ(snapshots.size(), 1u);
    const LayerStyle& style = snapshots[0].style;
    ASSERT_GE(style.classes.size(), 2u);
    const std::vector<LegendEntry> all = legendEntries(snapshots, combinedExtent(snapshots));
    // One parcel's envelope: only its class (and the classes of the parcels it meets).
    const geo::GeometryStore& store = snapshots[0].layer->geometry;
    const geo::Envelope one = store.envelope(0);
    geo::Envelope tiny{(one.minX + one.maxX) / 2, (one.minY + one.maxY) / 2,
                       (one.minX + one.maxX) / 2 + 0.01, (one.minY + one.maxY) / 2 + 0.01};
    const std::vector<LegendEntry> some = legendEntries(snapshots, tiny);
    EXPECT_GE(all.size(), 2u);
    EXPECT_LT(some.size(), all.size());
    EXPECT_GE(some.size(), 1u);
    const std::uint16_t firstClass = (*style.featureClass)[0];
    if (firstClass < style.classes.size()) {
        bool found = false;
        for (const LegendEntry& entry : some)
            found = found || entry.label == style.classes[firstClass].label;
        EXPECT_TRUE(found);
    }
    // Land-use classes are listed by code.
    for (std::size_t i = 1; i < all.size(); ++i)
        if (!all[i].label.isEmpty() && all[i].label.front().unicode() < 128 &&
            !all[i - 1].label.isEmpty() && all[i - 1].label.front().unicode() < 128) {
            EXPECT_LE(all[i - 1].label, all[i].label);
        }
}

TEST(PageTablesTest, LandUseRowsAddUpToTheTotalAndTheTotalIsTheParcelsInTheFrame)
{
    if (!std::filesystem::exists(kSamplePark))
        GTEST_SKIP() << "sample park not generated";
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    auto park = samplePark();
    const geo::ParkLayer* parcels = park->layer(geo::Role::Parcels);
    ASSERT_NE(parcels, nullptr);
    geo::NullIssueSink issues;
    const geo::LedgerTable table = landUseTable(*parcels, parcels->layer->geometry.extent(), book,
                                                geo::AreaMethod::Ellipsoidal, issues);
    ASSERT_FALSE(table.rows.empty());
    std::int64_t count = 0;
    double areaMu = 0;
    for (const auto& row : table.rows) {
        count += std::get<std::int64_t>(row[2]);
        areaMu += std::get<double>(row[3]);
    }
    EXPECT_EQ(count, std::get<std::int64_t>(table.total[2]));
    EXPECT_NEAR(areaMu, std::get<double>(table.total[3]), 1e-9 * areaMu);
    EXPECT_GT(count, 0);
    // Shown (rounded) rows add up to the shown total.
    const auto shown = table.shownCells();
    double shownSum = 0;
    for (std::size_t r = 0; r + 1 < shown.size(); ++r)
        shownSum += std::get<double>(shown[r][3]);
    EXPECT_NEAR(shownSum, std::get<double>(shown.back()[3]), 1e-6);
    // An empty frame: nothing counted.
    const geo::LedgerTable none = landUseTable(*parcels, geo::Envelope{0, 0, 1, 1}, book,
                                               geo::AreaMethod::Ellipsoidal, issues);
    EXPECT_TRUE(none.rows.empty());
}

TEST(PageTablesTest, FindingsTotalCountsAPlotUnderSeveralRulesOnceAndCannotDecideApart)
{
    if (!std::filesystem::exists(kSamplePark))
        GTEST_SKIP() << "sample park not generated";
    auto park = samplePark();
    geo::IssueList issues;
    geo::ComplianceOptions options;
    options.settings = geo::ComplianceSettings::load({}, issues);
    const std::vector<geo::Finding> findings =
        geo::checkCompliance(*park, options, issues).findings;
    const geo::LedgerTable table = findingsTable(findings, park->crs);
    const geo::FindingsTotals totals = geo::totalsOfFindings(findings, park->crs);

    // Rows: every rule but cannot_decide, each with the land its findings concern.
    std::size_t undecided = 0;
    for (const geo::Finding& f : findings)
        undecided += f.rule == geo::kCannotDecide ? 1 : 0;
    ASSERT_GT(undecided, 0u);
    ASSERT_EQ(table.rows.size() + 1, totals.byRule.size());
    std::int64_t count = 0;
    double rowsMu = 0;
    for (const auto& row : table.rows) {
        EXPECT_NE(
            std::get<std::string>(row[0]),
            geo::displayName(geo::NameGroup::Rule, geo::kCannotDecide, geo::Language::Chinese));
        count += std::get<std::int64_t>(row[1]);
        rowsMu += std::get<double>(row[2]);
    }
    // The total: the findings but cannot_decide, their land once (the expansion zones lie
    // outside the boundary and on unacquired land: the rows add them twice).
    EXPECT_EQ(count, std::get<std::int64_t>(table.total[1]));
    EXPECT_EQ(static_cast<std::size_t>(count), findings.size() - undecided);
    const double totalMu = std::get<double>(table.total[2]);
    EXPECT_DOUBLE_EQ(totalMu, totals.measured.areaMu);
    EXPECT_LT(totalMu, rowsMu - 1000.0);
    // Shown: each cell rounded once, the total not forced to the rows' sum.
    const auto shown = table.shown();
    EXPECT_EQ(shown.back()[2], geo::formatForDisplay(totals.measured.areaMu, 2));
    bool apart = false, once = false;
    for (const std::string& note : table.notes) {
        apart |= note.find("另列，不计入合计") != std::string::npos;
        once |= note.find("只计一次") != std::string::npos;
    }
    EXPECT_TRUE(apart);
    EXPECT_TRUE(once);
}

TEST(PageRendererTest, TheSampleParkPageMatchesTheControlImageWithinTolerance)
{
    // Tolerance: a channel may differ by up to 32 of 255, and up to 1.5 % of the pixels by
    // more: antialiasing differs between Qt builds and CPUs, and glyphs between versions of
    // Noto Sans CJK. A moved frame, legend, table or a missing layer moves far more.
    constexpr int kChannelTolerance = 32;
    constexpr double kAllowedShare = 0.015;
    if (!std::filesystem::exists(kSamplePark))
        GTEST_SKIP() << "sample park not generated";
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    auto park = samplePark();
    PageLayout layout = PageLayout::loadTemplate(QStringLiteral("用地现状图"), kStyles);
    layout.date = QStringLiteral("2026年1月");
    layout.organisation = QStringLiteral("某规划设计研究院");
    PageRenderer page(layout, book.styleLayers(layersOf(park, layout.layers)), park->crs,
                      QString::fromStdString(park->name));
    geo::NullIssueSink issues;
    page.setTable(landUseTable(*park->layer(geo::Role::Parcels), page.frameExtent(), book,
                               geo::AreaMethod::Ellipsoidal, issues));
    page.setFootnotes({QStringLiteral("数据来源：样例园区")});
    const geo::CancelFlag never;
    PageExportResult result;
    const QImage image = page.renderImage(60, never, &result);
    // A3 landscape at 60 dpi.
    EXPECT_EQ(image.size(), QSize(992, 702));
    EXPECT_TRUE(result.warnings.isEmpty()) << result.warnings.join("; ").toStdString();
    EXPECT_GT(result.featuresDrawn, 0u);

    const QString controlPath = QStringLiteral(PARKATLAS_CONTROL_IMAGES "/page_landuse_a3.png");
    if (qEnvironmentVariableIsSet("PARKATLAS_UPDATE_CONTROL_IMAGES")) {
        ASSERT_TRUE(image.save(controlPath));
        GTEST_SKIP() << "control image rewritten: " << controlPath.toStdString();
    }
    const QImage expected(controlPath);
    ASSERT_FALSE(expected.isNull()) << "missing control image " << controlPath.toStdString();
    const ImageDifference difference = compareImages(image, expected, kChannelTolerance);
    ASSERT_GE(difference.differingPixels, 0) << "sizes differ";
    const double share = static_cast<double>(difference.differingPixels) /
                         (static_cast<double>(image.width()) * image.height());
    if (share > kAllowedShare) {
        QDir().mkpath(QStringLiteral(PARKATLAS_RENDER_TEST_OUTPUT));
        image.save(QStringLiteral(PARKATLAS_RENDER_TEST_OUTPUT "/page_landuse_a3.png"));
        difference.diff.save(
            QStringLiteral(PARKATLAS_RENDER_TEST_OUTPUT "/page_landuse_a3_diff.png"));
    }
    EXPECT_LE(share, kAllowedShare)
        << difference.differingPixels << " pixels differ by more than " << kChannelTolerance
        << " (largest " << difference.largestChannelDifference << "); see "
        << PARKATLAS_RENDER_TEST_OUTPUT;
}

TEST(PageRendererTest, ExportsWriteCompleteFilesOfTheRequestedKind)
{
    auto parcels = makeLayer("parcels", geo::GeometryKind::Polygon,
                             {{{square(500000, 3300000, 500400, 3300300)}}});
    std::const_pointer_cast<geo::Layer>(parcels)->crs = geo::Crs::fromUserInput("EPSG:4547");
    PageLayout layout;
    layout.paper = QStringLiteral("A4");
    layout.title = QStringLiteral("{park}测试图");
    const PageRenderer page(layout, {{parcels, LayerStyle()}}, parcels->crs,
                            QStringLiteral("甲园"));
    EXPECT_EQ(page.title(), QStringLiteral("甲园测试图"));
    QTemporaryDir directory;
    ASSERT_TRUE(directory.isValid());
    const QString pdf = directory.filePath(QStringLiteral("page.pdf"));
    const QString png = directory.filePath(QStringLiteral("page.png"));
    const QString svg = directory.filePath(QStringLiteral("page.svg"));
    page.exportTo(pdf, PageFormat::Pdf, 300);
    page.exportTo(png, PageFormat::Png, 100);
    page.exportTo(svg, PageFormat::Svg, 100);
    QFile pdfFile(pdf);
    ASSERT_TRUE(pdfFile.open(QIODevice::ReadOnly));
    EXPECT_TRUE(pdfFile.read(5) == "%PDF-");
    const QImage image(png);
    // A4 landscape at 100 dpi: 297 × 210 mm.
    EXPECT_EQ(image.size(), QSize(1169, 827));
    QFile svgFile(svg);
    ASSERT_TRUE(svgFile.open(QIODevice::ReadOnly));
    EXPECT_TRUE(svgFile.readAll().contains("<svg"));
    // Nothing left under a temporary name.
    EXPECT_EQ(QDir(directory.path()).entryList(QDir::Files).size(), 3);
}

TEST(PageLayoutTest, TheSheetTemplateIsFoundByNameAndKeptApartFromTheMaps)
{
    const PageLayout sheet = PageLayout::loadTemplate(QStringLiteral("宗地图"), kStyles);
    EXPECT_EQ(sheet.kind, PageKind::ParcelSheet);
    EXPECT_EQ(sheet.paper, QStringLiteral("A4"));
    EXPECT_FALSE(sheet.landscape);
    EXPECT_FALSE(sheet.footnote.isEmpty());
    const QStringList sheets = PageLayout::templateNames(kStyles, PageKind::ParcelSheet);
    const QStringList maps = PageLayout::templateNames(kStyles, PageKind::Map);
    EXPECT_TRUE(sheets.contains(QStringLiteral("宗地图")));
    EXPECT_FALSE(sheets.contains(QStringLiteral("用地现状图")));
    EXPECT_TRUE(maps.contains(QStringLiteral("用地现状图")));
    EXPECT_FALSE(maps.contains(QStringLiteral("宗地图")));
    EXPECT_EQ(PageLayout::loadTemplate(QStringLiteral("用地现状图"), kStyles).kind, PageKind::Map);
    // The kind survives a round trip, and a wrong one is an error naming the file.
    EXPECT_EQ(PageLayout::fromJson(sheet.toJson(), QStringLiteral("x")).kind,
              PageKind::ParcelSheet);
    QJsonObject wrong = sheet.toJson();
    wrong.insert(QStringLiteral("kind"), QStringLiteral("poster"));
    try {
        PageLayout::fromJson(wrong, QStringLiteral("mine.json"));
        ADD_FAILURE() << "a kind that is not map or parcel_sheet was taken";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("mine.json"), std::string::npos);
        EXPECT_NE(std::string(error.what()).find("poster"), std::string::npos);
    }
}
