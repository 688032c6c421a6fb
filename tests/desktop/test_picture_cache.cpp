// The map canvas's picture cache (issue 21: pan and zoom redraws under 150 ms at 1M): a pan
// shows the last picture shifted with only the revealed strips rendered, a view seen before is
// shown from the cache, and either gives the pixels a fresh render of the same view gives (a
// second canvas with no cache draws it), on the sample park and on a real zoning shapefile.
#include "app/desktop/map_canvas.h"
#include "app/desktop/source_loader.h"

#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

using namespace parkatlas;
using namespace parkatlas::desktop;

namespace {

constexpr int kWaitMs = 60000; // a loaded CI machine: generous, polled

/// The layers of `source` as the window styles them, without labels and with solid outlines and
/// fills (labels are placed for the whole view, Qt starts dashes where it clips a line and
/// aligns hatches to the picture's corner, so such layers are drawn afresh: see
/// labelledOrDashedLayersAreDrawnOverAKeptPictureOfThoseBelow).
LoadedMap load(const std::string& source)
{
    LoadedMap map = loadMap({source}, {}, QStringLiteral(PARKATLAS_STYLES_DIR));
    for (render::LayerSnapshot& layer : map.layers) {
        layer.style.labelFields.clear();
        layer.style.labelAreaMu = false;
        layer.style.strokeStyle = Qt::SolidLine;
        layer.style.fillPattern = Qt::SolidPattern;
        for (render::Symbol& symbol : layer.style.classes) {
            symbol.strokeStyle = Qt::SolidLine;
            symbol.fillPattern = Qt::SolidPattern;
        }
    }
    return map;
}

/// Waits for the canvas's next complete picture after `change`.
bool drawn(MapCanvas& canvas, const std::function<void()>& change)
{
    QSignalSpy complete(&canvas, &MapCanvas::pictureComplete);
    change();
    canvas.refreshNow();
    return complete.wait(kWaitMs) || complete.count() > 0;
}

/// How many pixels of `a` and `b` differ (by any channel), and by how much at most.
struct Difference {
    qint64 pixels = 0;
    int most = 0;
    qint64 of = 1; // pixels compared

    /// The same picture but for antialiasing's rounding: a level or two in 255 on at most one
    /// pixel in a thousand (a shifted picture's edges are computed from other coordinates).
    bool same() const { return most <= 2 && pixels * 1000 <= of; }
};

Difference compare(const QImage& a, const QImage& b)
{
    Difference difference;
    difference.of = static_cast<qint64>(a.width()) * a.height();
    const QImage left = a.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    const QImage right = b.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < left.height(); ++y) {
        const auto* l = reinterpret_cast<const QRgb*>(left.constScanLine(y));
        const auto* r = reinterpret_cast<const QRgb*>(right.constScanLine(y));
        for (int x = 0; x < left.width(); ++x) {
            if (l[x] == r[x])
                continue;
            ++difference.pixels;
            difference.most = std::max({difference.most, std::abs(qRed(l[x]) - qRed(r[x])),
                                        std::abs(qGreen(l[x]) - qGreen(r[x])),
                                        std::abs(qBlue(l[x]) - qBlue(r[x])),
                                        std::abs(qAlpha(l[x]) - qAlpha(r[x]))});
        }
    }
    return difference;
}

/// A canvas that keeps pictures and one that never does, side by side on the same layers.
struct Pair {
    MapCanvas cached;
    MapCanvas fresh;

    explicit Pair(const LoadedMap& map)
    {
        fresh.setPictureCacheEnabled(false);
        for (MapCanvas* canvas : {&cached, &fresh}) {
            canvas->resize(640, 480);
            canvas->show();
        }
        for (MapCanvas* canvas : {&cached, &fresh}) {
            QVERIFY(QTest::qWaitForWindowExposed(canvas));
            QVERIFY(drawn(*canvas, [&] { canvas->setLayers(map.layers, map.report.mapCrs); }));
        }
    }

    /// Draws the cached canvas's view afresh on the other, and compares the two pictures.
    Difference againstFresh()
    {
        if (!drawn(fresh, [&] { fresh.setExtent(cached.extent()); }))
            return {-1, 255, 1};
        if (fresh.image().size() != cached.image().size())
            return {-1, 255, 1};
        return compare(cached.image(), fresh.image());
    }
};

/// Pans (right, down and across, and back), then zooms in and out, checking after each move how
/// the picture was made and that it is the fresh one's.
void panAndZoomMatchFreshPictures(const LoadedMap& map)
{
    QVERIFY(map.report.problems.empty());
    QVERIFY(!map.layers.empty());
    Pair pair(map);
    if (QTest::currentTestFailed())
        return;
    MapCanvas& canvas = pair.cached;
    QCOMPARE(canvas.lastPictureSource(), MapCanvas::PictureSource::Rendered);
    QCOMPARE(canvas.cachedPictureCount(), std::size_t(1));
    struct Move {
        QPointF pixels;
        MapCanvas::PictureSource source;
    };
    const std::vector<Move> moves = {
        {{-160, 0}, MapCanvas::PictureSource::Shifted}, // an arrow key's quarter
        {{0, 120}, MapCanvas::PictureSource::Shifted},
        {{37, -53}, MapCanvas::PictureSource::Shifted}, // a drag, both ways at once
        {{-37, 53}, MapCanvas::PictureSource::Cached},  // back where it was
    };
    for (const Move& move : moves) {
        QVERIFY(drawn(canvas, [&] { canvas.panByPixels(move.pixels); }));
        QCOMPARE(canvas.lastPictureSource(), move.source);
        const Difference difference = pair.againstFresh();
        QVERIFY2(difference.same(), qPrintable(QStringLiteral("%1 pixels differ, by up to %2")
                                                   .arg(difference.pixels)
                                                   .arg(difference.most)));
    }
    // A wheel notch in renders anew; out again shows the picture it had.
    const QPointF centre(canvas.width() / 2.0, canvas.height() / 2.0);
    QVERIFY(drawn(canvas, [&] { canvas.zoomAt(1.25, centre); }));
    QCOMPARE(canvas.lastPictureSource(), MapCanvas::PictureSource::Rendered);
    QVERIFY(drawn(canvas, [&] { canvas.zoomAt(1 / 1.25, centre); }));
    QCOMPARE(canvas.lastPictureSource(), MapCanvas::PictureSource::Cached);
    QVERIFY(pair.againstFresh().same());
    // A pan by a fraction of a pixel cannot be shifted: rendered anew.
    QVERIFY(drawn(canvas, [&] { canvas.panByPixels({10.5, 0}); }));
    QCOMPARE(canvas.lastPictureSource(), MapCanvas::PictureSource::Rendered);
    QVERIFY(pair.againstFresh().same());
}

} // namespace

class PictureCacheTest : public QObject {
    Q_OBJECT
private slots:
    void panAndZoomOnTheSampleMatchFreshPictures();
    void panAndZoomOnARealZoningShapefileMatchFreshPictures();
    void labelledOrDashedLayersAreDrawnOverAKeptPictureOfThoseBelow();
    void aDashedBottomLayerLeavesNothingToKeep();
    void hidingALayerForgetsThePictures();
};

void PictureCacheTest::panAndZoomOnTheSampleMatchFreshPictures()
{
    panAndZoomMatchFreshPictures(load(PARKATLAS_SAMPLE_DIR "/shp"));
}

void PictureCacheTest::panAndZoomOnARealZoningShapefileMatchFreshPictures()
{
    const std::string path = PARKATLAS_REALDATA
        "/parcels/rockbridge-zoning/rockbridge/Rockbridge_Zoning20230126.shp";
    if (!std::filesystem::exists(path))
        QSKIP("the real data is not here");
    panAndZoomMatchFreshPictures(load(path));
}

void PictureCacheTest::labelledOrDashedLayersAreDrawnOverAKeptPictureOfThoseBelow()
{
    for (const bool labelled : {true, false}) {
        LoadedMap map = load(PARKATLAS_SAMPLE_DIR "/shp");
        QVERIFY(map.layers.size() > 1);
        // The top layer labelled at every scale, or outlined in dashes (as a park's boundary
        // is): the picture of the layers below it is kept and shifted, the top layer drawn
        // afresh over it, and the whole is what one render of every layer gives.
        render::LayerStyle& style = map.layers.back().style;
        if (labelled) {
            style.labelAreaMu = true;
            style.labelMaxMapUnitsPerPixel = 0;
        } else {
            style.strokeStyle = Qt::DashLine;
            style.strokeWidth = std::max(style.strokeWidth, 1.0);
        }
        Pair pair(map);
        if (QTest::currentTestFailed())
            return;
        MapCanvas& canvas = pair.cached;
        QCOMPARE(canvas.lastPictureSource(), MapCanvas::PictureSource::Rendered);
        QCOMPARE(canvas.cachedPictureCount(), std::size_t(1)); // the layers below the top one
        const Difference first = pair.againstFresh();
        QVERIFY2(first.same(), qPrintable(QStringLiteral("labelled %3: %1 pixels differ, by up to %2")
                                              .arg(first.pixels)
                                              .arg(first.most)
                                              .arg(labelled)));
        for (const auto& [pixels, source] :
             {std::pair{QPointF(-160, 0), MapCanvas::PictureSource::Shifted},
              std::pair{QPointF(37, -53), MapCanvas::PictureSource::Shifted},
              std::pair{QPointF(-37, 53), MapCanvas::PictureSource::Cached}}) {
            QVERIFY(drawn(canvas, [&] { canvas.panByPixels(pixels); }));
            QCOMPARE(canvas.lastPictureSource(), source);
            const Difference difference = pair.againstFresh();
            QVERIFY2(difference.same(), qPrintable(QStringLiteral("%1 pixels differ, by up to %2")
                                                       .arg(difference.pixels)
                                                       .arg(difference.most)));
        }
    }
}

void PictureCacheTest::aDashedBottomLayerLeavesNothingToKeep()
{
    LoadedMap map = load(PARKATLAS_SAMPLE_DIR "/shp");
    QVERIFY(!map.layers.empty());
    render::LayerStyle& style = map.layers.front().style;
    style.strokeStyle = Qt::DashLine;
    style.strokeWidth = std::max(style.strokeWidth, 1.0);
    Pair pair(map);
    if (QTest::currentTestFailed())
        return;
    MapCanvas& canvas = pair.cached;
    QCOMPARE(canvas.cachedPictureCount(), std::size_t(0));
    QVERIFY(drawn(canvas, [&] { canvas.panByPixels({-160, 0}); }));
    QCOMPARE(canvas.lastPictureSource(), MapCanvas::PictureSource::Rendered);
    QVERIFY(pair.againstFresh().same()); // two full renders
}

void PictureCacheTest::hidingALayerForgetsThePictures()
{
    const LoadedMap map = load(PARKATLAS_SAMPLE_DIR "/shp");
    QVERIFY(map.layers.size() > 1);
    Pair pair(map);
    if (QTest::currentTestFailed())
        return;
    MapCanvas& canvas = pair.cached;
    QCOMPARE(canvas.cachedPictureCount(), std::size_t(1));
    QVERIFY(drawn(canvas, [&] { canvas.setLayerVisible(map.layers.size() - 1, false); }));
    QCOMPARE(canvas.lastPictureSource(), MapCanvas::PictureSource::Rendered);
    QCOMPARE(canvas.cachedPictureCount(), std::size_t(1)); // the new picture only
    QVERIFY(drawn(pair.fresh, [&] { pair.fresh.setLayerVisible(map.layers.size() - 1, false); }));
    QVERIFY(drawn(canvas, [&] { canvas.panByPixels({-160, 0}); }));
    QCOMPARE(canvas.lastPictureSource(), MapCanvas::PictureSource::Shifted);
    QVERIFY(pair.againstFresh().same());
}

QTEST_MAIN(PictureCacheTest)
#include "test_picture_cache.moc"
