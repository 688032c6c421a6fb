#include "render_test_support.h"

#include "app/render/render_job.h"

#include <QElapsedTimer>
#include <QThread>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>

using namespace parkatlas;
using namespace parkatlas::render;
using namespace parkatlas::render::test;

namespace {

/// Many small polygons over the whole extent: long enough to render that a cancel can land in
/// the middle (from about 15 ms to a second, by the machine and the build).
std::shared_ptr<const geo::Layer> denseLayer(int columns, int rows)
{
    auto layer = std::make_shared<geo::Layer>();
    layer->name = "dense";
    layer->geometry.setKind(geo::GeometryKind::Polygon);
    layer->geometry.reserve(static_cast<std::size_t>(columns) * rows,
                            static_cast<std::size_t>(columns) * rows * 5);
    for (int row = 0; row < rows; ++row)
        for (int column = 0; column < columns; ++column) {
            const double x = column;
            const double y = row;
            layer->geometry.beginFeature();
            layer->geometry.beginPart();
            layer->geometry.beginRing();
            for (const auto& [vx, vy] :
                 {std::pair{x, y}, {x + 0.9, y}, {x + 0.9, y + 0.9}, {x, y + 0.9}, {x, y}})
                layer->geometry.addVertex(vx, vy);
            layer->geometry.endFeature();
            layer->fids.push_back(static_cast<std::int64_t>(layer->fids.size()));
        }
    return layer;
}

MapSettings denseSettings(const std::shared_ptr<const geo::Layer>& layer)
{
    const std::vector<LayerSnapshot> layers = {
        {layer, LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0)}};
    return MapSettings(combinedExtent(layers), QSize(1000, 1000), 96, Qt::white, layers);
}

} // namespace

TEST(RenderJobTest, FinishesOnAWorkerAndDeliversTheImageThroughTheEventLoop)
{
    auto layer = makeLayer("parcel", geo::GeometryKind::Polygon, {{{square(0, 0, 10, 10)}}});
    geo::Envelope extent = layer->geometry.extent();
    RenderJob job(MapSettings(extent, QSize(64, 48), 96, Qt::white,
                              {{layer, LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0)}}));
    std::optional<RenderResult> received;
    QObject::connect(&job, &RenderJob::finished,
                     [&](const RenderResult& result) { received = result; });
    job.start();
    ASSERT_TRUE(processEventsUntil([&] { return received.has_value(); }, 5000));
    EXPECT_FALSE(received->cancelled);
    EXPECT_EQ(received->image.size(), QSize(64, 48));
    EXPECT_EQ(received->featuresDrawn, 1u);
    EXPECT_FALSE(job.isActive());
}

TEST(RenderJobTest, ACancelledJobReturnsPromptlyWithoutBlockingTheCaller)
{
    // 400 × 400 = 160,000 polygons, 800,000 vertices.
    const MapSettings settings = denseSettings(denseLayer(400, 400));
    // How long the whole render takes here (the faster of two: the first pays for setting up),
    // so that the cancel comes a quarter of the way in on a fast machine as on a slow one (a
    // fixed wait outlasted the whole render on a fast one).
    qint64 wholeMicroseconds = 0;
    for (int round = 0; round < 2; ++round) {
        QElapsedTimer whole;
        whole.start();
        ASSERT_EQ(MapRenderer(settings).render().featuresDrawn, 160000u);
        const qint64 took = whole.nsecsElapsed() / 1000;
        wholeMicroseconds = round == 0 ? took : std::min(wholeMicroseconds, took);
    }

    RenderJob job(settings);
    std::optional<RenderResult> received;
    QObject::connect(&job, &RenderJob::finished,
                     [&](const RenderResult& result) { received = result; });
    job.start();
    QThread::usleep(static_cast<unsigned long>(wholeMicroseconds / 4)); // into its feature loop

    QElapsedTimer timer;
    timer.start();
    job.cancel();
    EXPECT_LT(timer.elapsed(), 5) << "cancel() must not wait for the worker";
    ASSERT_TRUE(processEventsUntil([&] { return received.has_value(); }, 2000));
    EXPECT_LT(timer.elapsed(), 250) << "the worker should stop within one feature";
    EXPECT_TRUE(received->cancelled);
    EXPECT_LT(received->featuresDrawn, 160000u) << "the render finished before the cancel";
}

TEST(RenderJobTest, DeletingARunningJobDoesNotWaitForIt)
{
    auto job = std::make_unique<RenderJob>(denseSettings(denseLayer(300, 300)));
    job->start();
    QThread::msleep(10);
    QElapsedTimer timer;
    timer.start();
    job.reset();
    EXPECT_LT(timer.elapsed(), 20);
    // The worker sees the cancel flag and ends by itself; the pool drains promptly.
    EXPECT_TRUE(renderThreadPool().waitForDone(2000));
}

TEST(RenderJobTest, WaitForResultGivesTheSameImageAsTheRendererItself)
{
    auto layer = makeLayer("parcel", geo::GeometryKind::Polygon,
                           {{{square(0, 0, 10, 10), square(3, 3, 6, 6)}}});
    const MapSettings settings(layer->geometry.extent(), QSize(50, 50), 96, Qt::white,
                               {{layer, LayerStyle::defaultFor(geo::GeometryKind::Polygon, 0)}});
    RenderJob job(settings);
    const RenderResult viaJob = job.waitForResult();
    const RenderResult direct = MapRenderer(settings).render();
    EXPECT_EQ(viaJob.image, direct.image);
}
