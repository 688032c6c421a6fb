#include "render_test_support.h"

#include "app/render/map_renderer.h"
#include "app/render/role_style_book.h"

#include <gtest/gtest.h>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

namespace {

/// Polygons with one text field, parcel_id.
std::shared_ptr<const geo::Layer> labelledLayer(const std::vector<Feature>& features,
                                                const std::vector<std::string>& ids)
{
    auto layer =
        std::make_shared<geo::Layer>(*makeLayer("parcels", geo::GeometryKind::Polygon, features));
    layer->attributes.setFields({{"parcel_id", geo::FieldType::String, 20, 0}});
    for (const std::string& id : ids) {
        layer->attributes.setText(0, id);
        layer->attributes.commitRow();
    }
    return layer;
}

/// Pixels darker than the label halo and the empty fill, in `rect`.
int darkPixels(const QImage& image, const QRect& rect)
{
    int dark = 0;
    for (int y = rect.top(); y <= rect.bottom(); ++y)
        for (int x = rect.left(); x <= rect.right(); ++x)
            if (qGray(image.pixel(x, y)) < 100)
                ++dark;
    return dark;
}

LayerStyle labelStyle()
{
    LayerStyle style;
    style.fill = QColor(0, 0, 0, 0);
    style.strokeWidth = 0;
    style.labelFields = {0};
    style.labelFont = cjkFont(10);
    style.labelColour = Qt::black;
    return style;
}

} // namespace

TEST(LabelTest, ALabelThatWouldOverlapAPlacedOneIsLeftOut)
{
    // 200 × 200 map units on 200 × 200 pixels, y up. A large plot at the top left, a small one
    // whose centre is 20 px right of it (their labels would overlap), a third far below.
    auto layer = labelledLayer(
        {{{square(10, 100, 90, 180)}}, {{square(60, 125, 80, 145)}}, {{square(20, 10, 180, 60)}}},
        {"宗地甲一号", "宗地乙二号", "宗地丙三号"});
    const MapSettings settings(geo::Envelope{0, 0, 200, 200}, QSize(200, 200), 96, Qt::white,
                               {{layer, labelStyle()}});
    const RenderResult result = MapRenderer(settings).render();
    ASSERT_TRUE(result.errors.empty());
    EXPECT_EQ(result.labelsDrawn, 2U);
    const QImage& image = result.image;
    // The large plot's label around its centre (pixel 50, 60), the third's around (100, 165).
    EXPECT_GT(darkPixels(image, QRect(35, 52, 30, 16)), 20);
    EXPECT_GT(darkPixels(image, QRect(85, 157, 30, 16)), 20);
    // Where only the small plot's label would reach (right of the large one's): nothing.
    EXPECT_EQ(darkPixels(image, QRect(92, 50, 14, 24)), 0);

    // Alone, the small plot is labelled.
    auto alone = labelledLayer({{{square(60, 125, 80, 145)}}}, {"宗地乙二号"});
    const RenderResult single =
        MapRenderer(MapSettings(geo::Envelope{0, 0, 200, 200}, QSize(200, 200), 96, Qt::white,
                                {{alone, labelStyle()}}))
            .render();
    EXPECT_EQ(single.labelsDrawn, 1U);
    EXPECT_GT(darkPixels(single.image, QRect(92, 50, 14, 24)), 0);
}

TEST(LabelTest, LabelsOfAllLayersShareTheSpace)
{
    // Two plots with the same centre, in two layers: the upper layer's label cannot take the
    // centre the first one took, and moves just above it, within its plot (before, it was left
    // out: one candidate place only).
    auto first = labelledLayer({{{square(10, 100, 90, 180)}}}, {"宗地甲一号"});
    auto second = labelledLayer({{{square(20, 100, 80, 180)}}}, {"控规地块"});
    const RenderResult result =
        MapRenderer(MapSettings(geo::Envelope{0, 0, 200, 200}, QSize(200, 200), 96, Qt::white,
                                {{first, labelStyle()}, {second, labelStyle()}}))
            .render();
    EXPECT_EQ(result.labelsDrawn, 2U);
    // Centred on pixel (50, 60): the first label; above it, over y 30–50: the second.
    EXPECT_GT(darkPixels(result.image, QRect(20, 54, 60, 12)), 20);
    EXPECT_GT(darkPixels(result.image, QRect(20, 32, 60, 14)), 20);
    // A third plot there, too small to hold its label anywhere but its centre: left out.
    auto third = labelledLayer({{{square(45, 135, 55, 145)}}}, {"宗地丁"});
    const RenderResult crowded =
        MapRenderer(
            MapSettings(geo::Envelope{0, 0, 200, 200}, QSize(200, 200), 96, Qt::white,
                        {{first, labelStyle()}, {second, labelStyle()}, {third, labelStyle()}}))
            .render();
    EXPECT_EQ(crowded.labelsDrawn, 2U);
}

TEST(LabelTest, ParcelsAreLabelledWithIdOwnerAndMu)
{
    const RoleStyleBook book = RoleStyleBook::load(PARKATLAS_STYLES_DIR);
    auto layer = std::make_shared<geo::Layer>(*makeLayer(
        "parcels", geo::GeometryKind::Polygon, {{{square(500000, 3376000, 500100, 3376100)}}}));
    layer->crs = geo::Crs::fromEpsg(4547);
    layer->attributes.setFields(
        {{"ZDDM", geo::FieldType::String, 19, 0}, {"QLR", geo::FieldType::String, 60, 0}});
    layer->attributes.setText(0, "420100001001GB00001");
    layer->attributes.setText(1, "青鸾湖精密机械有限公司");
    layer->attributes.commitRow();
    const LayerSnapshot snapshot = book.snapshotFor(layer);
    ASSERT_TRUE(book.problems().isEmpty()) << book.problems().front().toStdString();
    ASSERT_EQ(snapshot.style.labelFields.size(), 2U); // found through the aliases ZDDM, QLR
    EXPECT_TRUE(snapshot.style.labelAreaMu);
    // 0.5 m a pixel: the label shows, three lines, the last "15.00 亩" (a 100 m square).
    const MapSettings settings(geo::Envelope{499950, 3375950, 500150, 3376150}, QSize(400, 400), 96,
                               Qt::white, {snapshot}, layer->crs);
    const RenderResult result = MapRenderer(settings).render();
    ASSERT_TRUE(result.errors.empty()) << result.errors.front();
    EXPECT_EQ(result.labelsDrawn, 1U);
    // Three lines of 7-point text stacked about the plot's centre (pixel 200, 200).
    EXPECT_GT(darkPixels(result.image, QRect(150, 178, 100, 12)), 10);
    EXPECT_GT(darkPixels(result.image, QRect(150, 206, 100, 12)), 10);
    // Zoomed out past 1.5 m a pixel: no labels.
    const RenderResult far =
        MapRenderer(settings.withExtent(geo::Envelope{499000, 3375000, 501000, 3377000})).render();
    EXPECT_EQ(far.labelsDrawn, 0U);
}
