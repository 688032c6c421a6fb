#include "render_test_support.h"

#include "geo/io/source.h"
#include "geo/issue.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QThread>

#include <algorithm>
#include <cstdlib>

namespace parkatlas::render::test {

std::shared_ptr<const geo::Layer> makeLayer(const std::string& name, geo::GeometryKind kind,
                                            const std::vector<Feature>& features)
{
    auto layer = std::make_shared<geo::Layer>();
    layer->name = name;
    layer->sourcePath = "(built in the test)";
    layer->geometry.setKind(kind);
    for (const Feature& feature : features) {
        layer->geometry.beginFeature();
        for (const Part& part : feature) {
            layer->geometry.beginPart();
            for (const Ring& ring : part) {
                layer->geometry.beginRing();
                for (const auto& [x, y] : ring)
                    layer->geometry.addVertex(x, y);
            }
        }
        layer->geometry.endFeature();
        layer->fids.push_back(static_cast<std::int64_t>(layer->fids.size()));
    }
    return layer;
}

Ring square(double minX, double minY, double maxX, double maxY)
{
    return {{minX, minY}, {maxX, minY}, {maxX, maxY}, {minX, maxY}, {minX, minY}};
}

bool processEventsUntil(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        QThread::msleep(1);
    }
    return done();
}

ImageDifference compareImages(const QImage& actualImage, const QImage& expectedImage, int tolerance)
{
    ImageDifference result;
    const QImage actual = actualImage.convertToFormat(QImage::Format_ARGB32);
    const QImage expected = expectedImage.convertToFormat(QImage::Format_ARGB32);
    if (actual.size() != expected.size()) {
        result.differingPixels = -1;
        return result;
    }
    result.diff = QImage(actual.size(), QImage::Format_ARGB32);
    result.diff.fill(Qt::white);
    for (int y = 0; y < actual.height(); ++y) {
        const auto* a = reinterpret_cast<const QRgb*>(actual.constScanLine(y));
        const auto* e = reinterpret_cast<const QRgb*>(expected.constScanLine(y));
        auto* d = reinterpret_cast<QRgb*>(result.diff.scanLine(y));
        for (int x = 0; x < actual.width(); ++x) {
            const int difference = std::max(
                {std::abs(qRed(a[x]) - qRed(e[x])), std::abs(qGreen(a[x]) - qGreen(e[x])),
                 std::abs(qBlue(a[x]) - qBlue(e[x])), std::abs(qAlpha(a[x]) - qAlpha(e[x]))});
            result.largestChannelDifference = std::max(result.largestChannelDifference, difference);
            if (difference > tolerance) {
                ++result.differingPixels;
                d[x] = qRgb(255, 0, 0);
            } else {
                d[x] = qRgb(255 - qGray(e[x]) / 4, 255 - qGray(e[x]) / 4, 255 - qGray(e[x]) / 4);
            }
        }
    }
    return result;
}

double nonBackgroundShare(const QImage& image, QRgb background)
{
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    long long count = 0;
    for (int y = 0; y < argb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x)
            if (line[x] != background)
                ++count;
    }
    return static_cast<double>(count) / (static_cast<double>(argb.width()) * argb.height());
}

std::vector<std::shared_ptr<const geo::Layer>> readEveryLayer(const std::string& source)
{
    const geo::LayerListing listing = geo::listSourceLayers(source);
    std::vector<std::shared_ptr<const geo::Layer>> layers;
    geo::IssueList issues;
    for (const geo::LayerRef& ref : listing.layers)
        layers.push_back(
            std::make_shared<const geo::Layer>(geo::readLayer(ref, geo::ReadOptions{}, issues)));
    return layers;
}

bool hasPdftoppm()
{
    QProcess process;
    process.start(QStringLiteral("pdftoppm"), {QStringLiteral("-v")});
    return process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit;
}

geo::Envelope quarterOf(const geo::Envelope& e)
{
    const double w = e.width() / 4;
    const double h = e.height() / 4;
    const double cx = (e.minX + e.maxX) / 2;
    const double cy = (e.minY + e.maxY) / 2;
    return {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
}

} // namespace parkatlas::render::test
