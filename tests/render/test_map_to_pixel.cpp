#include "app/render/map_to_pixel.h"

#include <gtest/gtest.h>

using parkatlas::geo::Envelope;
using parkatlas::render::MapToPixel;

namespace {

Envelope envelope(double minX, double minY, double maxX, double maxY)
{
    Envelope e;
    e.minX = minX;
    e.minY = minY;
    e.maxX = maxX;
    e.maxY = maxY;
    return e;
}

} // namespace

TEST(MapToPixelTest, FittingShowsTheWholeExtentCentredWithSquarePixels)
{
    // 400 × 100 map units into 200 × 200 pixels: 2 units a pixel, the height widened.
    const MapToPixel view = MapToPixel::fitting(envelope(0, 0, 400, 100), QSize(200, 200));
    EXPECT_DOUBLE_EQ(view.mapUnitsPerPixel(), 2.0);
    const Envelope visible = view.visibleExtent();
    EXPECT_DOUBLE_EQ(visible.minX, 0);
    EXPECT_DOUBLE_EQ(visible.maxX, 400);
    EXPECT_DOUBLE_EQ(visible.minY, -150);
    EXPECT_DOUBLE_EQ(visible.maxY, 250);
}

TEST(MapToPixelTest, NorthIsUpAndPixelsAndMapPointsRoundTrip)
{
    const MapToPixel view = MapToPixel::fitting(envelope(1000, 2000, 1200, 2200), QSize(200, 200));
    EXPECT_EQ(view.toPixel(1000, 2200), QPointF(0, 0));     // top left
    EXPECT_EQ(view.toPixel(1200, 2000), QPointF(200, 200)); // bottom right
    const QPointF map = view.toMap(QPointF(37.5, 120.25));
    const QPointF back = view.toPixel(map.x(), map.y());
    EXPECT_NEAR(back.x(), 37.5, 1e-9);
    EXPECT_NEAR(back.y(), 120.25, 1e-9);
}

TEST(MapToPixelTest, ZoomKeepsTheMapPointUnderTheAnchorInPlace)
{
    const MapToPixel view = MapToPixel::fitting(envelope(0, 0, 100, 100), QSize(100, 100));
    const QPointF anchor(20, 70);
    const QPointF before = view.toMap(anchor);
    const MapToPixel zoomed = view.zoomedAt(2.0, anchor);
    EXPECT_DOUBLE_EQ(zoomed.mapUnitsPerPixel(), 0.5);
    const QPointF after = zoomed.toMap(anchor);
    EXPECT_NEAR(after.x(), before.x(), 1e-9);
    EXPECT_NEAR(after.y(), before.y(), 1e-9);
}

TEST(MapToPixelTest, PanMovesTheMapWithThePointer)
{
    const MapToPixel view = MapToPixel::fitting(envelope(0, 0, 100, 100), QSize(100, 100));
    const QPointF grabbed = view.toMap(QPointF(10, 10));
    const MapToPixel panned = view.pannedByPixels(QPointF(30, -20));
    const QPointF underPointer = panned.toMap(QPointF(40, -10));
    EXPECT_NEAR(underPointer.x(), grabbed.x(), 1e-9);
    EXPECT_NEAR(underPointer.y(), grabbed.y(), 1e-9);
}

TEST(MapToPixelTest, EmptyOrDegenerateExtentsStillGiveAValidTransform)
{
    EXPECT_TRUE(MapToPixel::fitting(Envelope{}, QSize(50, 50)).isValid());
    EXPECT_TRUE(MapToPixel::fitting(envelope(5, 5, 5, 5), QSize(50, 50)).isValid());
    EXPECT_TRUE(MapToPixel::fitting(envelope(0, 5, 10, 5), QSize(50, 50)).isValid());
}

TEST(MapToPixelTest, ABandOfRowsPlacesEachPointItsFirstRowHigherThanTheWholeView)
{
    // A view in projected metres as the canvas has them (far from the origin, a fraction of a
    // metre a pixel): the band's pixel is the whole view's less its first row, to the bit.
    const MapToPixel view(500123.456, 3375541.733, 0.3172, QSize(1984, 1144));
    const MapToPixel band = view.rows(540, 300);
    EXPECT_EQ(band.outputSize(), QSize(1984, 300));
    EXPECT_EQ(band.centerY(), view.centerY()); // the same scale everywhere
    for (int i = 0; i < 1000; ++i) {
        const double x = view.visibleExtent().minX + i * 0.6137;
        const double y = view.visibleExtent().maxY - 150 - i * 0.3771;
        const QPointF whole = view.toPixel(x, y);
        const QPointF part = band.toPixel(x, y);
        EXPECT_EQ(part.x(), whole.x());
        EXPECT_EQ(part.y(), whole.y() - 540) << "at " << whole.y();
    }
    const Envelope visible = band.visibleExtent();
    EXPECT_EQ(visible.minX, view.visibleExtent().minX);
    EXPECT_EQ(visible.maxX, view.visibleExtent().maxX);
    EXPECT_NEAR(visible.maxY, view.toMap(QPointF(0, 540)).y(), 1e-6);
    EXPECT_NEAR(visible.minY, view.toMap(QPointF(0, 840)).y(), 1e-6);
    const QPointF corner = band.toMap(QPointF(10, 20));
    EXPECT_NEAR(corner.y(), view.toMap(QPointF(10, 560)).y(), 1e-6);
}
