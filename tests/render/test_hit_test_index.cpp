#include "render_test_support.h"

#include "app/render/hit_test.h"
#include "geo/model/envelope_index.h"

#include <gtest/gtest.h>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

TEST(HitTestTest, TheIndexFindsTheSameFeaturesAsLookingAtEveryOne)
{
    // A 30 × 30 grid of 9 m plots 10 m apart, and a ring-shaped one around the middle.
    std::vector<Feature> features;
    for (int row = 0; row < 30; ++row)
        for (int column = 0; column < 30; ++column)
            features.push_back(
                {{square(column * 10.0, row * 10.0, column * 10.0 + 9, row * 10.0 + 9)}});
    features.push_back({{square(100, 100, 200, 200), square(110, 110, 190, 190)}});
    auto layer = makeLayer("parcels", geo::GeometryKind::Polygon, features);
    const geo::EnvelopeIndex index(layer->geometry, [](std::size_t) { return true; });

    for (const geo::Envelope& box :
         {geo::Envelope{0, 0, 300, 300}, geo::Envelope{95, 95, 96, 96},
          geo::Envelope{150, 150, 151, 151}, geo::Envelope{12, 3, 41, 17},
          geo::Envelope{400, 400, 500, 500}}) {
        const auto everyOne = featuresIntersecting(layer->geometry, box);
        const auto indexed = featuresIntersecting(layer->geometry, box, &index);
        EXPECT_EQ(indexed, everyOne) << box.minX << " " << box.minY;
    }
    // Inside the ring's hole at (150, 150): the plot there, not the ring.
    const auto hole = featuresIntersecting(layer->geometry, {151, 151, 152, 152}, &index);
    ASSERT_EQ(hole.size(), 1U);
    EXPECT_EQ(hole.front(), 15U * 30 + 15);
}
