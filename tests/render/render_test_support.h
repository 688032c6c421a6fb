#pragma once

#include "geo/model/layer.h"

#include <QImage>
#include <QString>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace parkatlas::render::test {

using Ring = std::vector<std::pair<double, double>>;
using Part = std::vector<Ring>; // polygon: exterior then holes; line: one path; point: one vertex
using Feature = std::vector<Part>;

/// A layer built by hand: each feature a list of parts, each part a list of rings.
std::shared_ptr<const geo::Layer> makeLayer(const std::string& name, geo::GeometryKind kind,
                                            const std::vector<Feature>& features);

/// A closed axis-aligned square ring.
Ring square(double minX, double minY, double maxX, double maxY);

/// Runs the event loop until `done()` or `timeoutMs` passed; returns done().
bool processEventsUntil(const std::function<bool()>& done, int timeoutMs);

/// How two images differ: the pixels whose largest channel difference exceeds the tolerance.
struct ImageDifference {
    long long differingPixels = 0;
    int largestChannelDifference = 0;
    QImage diff; // red where pixels differ beyond the tolerance
};
ImageDifference compareImages(const QImage& actual, const QImage& expected, int tolerance);

/// Share of pixels that are not `background`.
double nonBackgroundShare(const QImage& image, QRgb background);

/// Every layer of `source` (a GeoPackage, a folder...), read whole; what the reads say is dropped.
std::vector<std::shared_ptr<const geo::Layer>> readEveryLayer(const std::string& source);

/// Whether poppler's pdftoppm runs here (the PDF tests draw their pages with it).
bool hasPdftoppm();

/// The middle of `e`, a quarter of its width and height: a view zoomed in on a park.
geo::Envelope quarterOf(const geo::Envelope& e);

} // namespace parkatlas::render::test
