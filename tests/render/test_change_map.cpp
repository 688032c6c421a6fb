#include "render_test_support.h"

#include "app/render/change_map.h"
#include "app/render/legend.h"
#include "app/render/page_layout.h"
#include "app/render/park_page.h"
#include "app/render/role_style_book.h"
#include "geo/diff/park_diff.h"
#include "geo/io/park_source.h"
#include "geo/issue.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace parkatlas;
using namespace parkatlas::render;

namespace {

const QString kStyles = QStringLiteral(PARKATLAS_STYLES_DIR);

geo::Park parkFrom(const std::string& name)
{
    geo::IssueList issues;
    return geo::loadPark(geo::discoverPark(PARKATLAS_SAMPLE_DIR "/" + name), {}, issues);
}

} // namespace

TEST(ChangeMapTest, TheSecondHalfYearIsDrawnByKindAndCountedByLayer)
{
    auto previous = std::make_shared<const geo::Park>(parkFrom("park.gpkg"));
    geo::Park current = parkFrom("park-2026H2.gpkg");
    geo::NullIssueSink issues;
    const geo::ParkDiff diff = geo::diffParks(*previous, current, {}, issues);

    const std::vector<LayerSnapshot> all = changeOverlays(current, *previous, diff);
    std::map<std::string, std::size_t> features;
    for (const LayerSnapshot& overlay : all)
        features[overlay.layer->name] = overlay.layer->featureCount();
    // data/sample/README.md: parcels 1 added, 5 changed (the split draws its two halves);
    // acquisition 5, idle land 2 changed; one road changed; nothing removed.
    EXPECT_EQ(features["新增"], 1u);
    EXPECT_EQ(features["变更"], 6u + 5u + 2u);
    EXPECT_EQ(features["变更（线）"], 1u);
    EXPECT_EQ(features.count("灭失"), 0u);
    // Only the parcels' changes where the map shows parcels alone.
    const auto parcelsOnly = changeOverlays(current, *previous, diff, {geo::Role::Parcels});
    std::size_t parcelFeatures = 0;
    for (const LayerSnapshot& overlay : parcelsOnly)
        parcelFeatures += overlay.layer->featureCount();
    EXPECT_EQ(parcelFeatures, 1u + 6u);

    const geo::LedgerTable table = changesTable(diff);
    ASSERT_EQ(table.rows.size(), 4u); // 宗地, 征地, 闲置土地, 道路工程
    EXPECT_EQ(std::get<std::string>(table.rows[0][0]), "宗地");
    EXPECT_EQ(std::get<std::int64_t>(table.rows[0][1]), 1);
    EXPECT_EQ(std::get<std::int64_t>(table.rows[0][2]), 5);
    double addedMu = 0;
    for (const geo::DiffItem& item : diff.layer(geo::Role::Parcels)->items)
        if (item.kind == geo::ChangeKind::Added)
            addedMu += item.newAreaMu;
    EXPECT_GT(addedMu, 100.0);
    EXPECT_NEAR(std::get<double>(table.rows[0][4]), addedMu, 1e-9);
}

TEST(ChangeMapTest, TheTemplateNeedsThePreviousPark)
{
    const PageLayout layout = PageLayout::loadTemplate(QStringLiteral("变化图"), kStyles);
    EXPECT_EQ(layout.table, PageTableKind::Changes);
    EXPECT_TRUE(rolesForPage(layout).empty()); // the comparison reads every role
    auto park = std::make_shared<const geo::Park>(parkFrom("park-2026H2.gpkg"));
    const RoleStyleBook book = RoleStyleBook::load(kStyles);
    geo::NullIssueSink issues;
    EXPECT_THROW(parkPage(park, layout, book, {}, issues), std::runtime_error);
}
