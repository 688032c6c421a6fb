#include "app/render/layer_style.h"

#include <array>

namespace parkatlas::render {

namespace {

// Hues that read well on white and on paper, in the order layers get them (a colour-blind-safe
// set after Okabe and Ito, reordered so that the first polygon layer is a calm blue-green).
constexpr std::array<QRgb, 8> kPalette = {
    qRgb(0, 158, 115),  qRgb(0, 114, 178), qRgb(230, 159, 0),  qRgb(204, 121, 167),
    qRgb(86, 180, 233), qRgb(213, 94, 0),  qRgb(240, 228, 66), qRgb(90, 90, 90)};

const QColor kSelection(0, 200, 255);

} // namespace

LayerStyle LayerStyle::defaultFor(geo::GeometryKind kind, std::size_t index)
{
    const QColor hue = QColor::fromRgb(kPalette[index % kPalette.size()]);
    LayerStyle style;
    switch (kind) {
    case geo::GeometryKind::Polygon:
        style.fill = hue;
        style.fill.setAlpha(70);
        style.stroke = hue.darker(160);
        style.strokeWidth = 0.8;
        break;
    case geo::GeometryKind::Line:
        style.stroke = hue.darker(120);
        style.strokeWidth = 1.4;
        break;
    case geo::GeometryKind::Point:
        style.fill = hue;
        style.stroke = hue.darker(170);
        style.strokeWidth = 0.8;
        style.pointDiameter = 6.0;
        break;
    case geo::GeometryKind::None:
        break;
    }
    return style;
}

LayerStyle LayerStyle::selectionFor(geo::GeometryKind kind)
{
    LayerStyle style;
    style.stroke = kSelection;
    style.strokeWidth = kind == geo::GeometryKind::Line ? 4.0 : 2.4;
    style.fill = kSelection;
    style.fill.setAlpha(kind == geo::GeometryKind::Point ? 255 : 70);
    style.pointDiameter = 11.0;
    return style;
}

QFont cjkFont(double pointSize)
{
    QFont font;
    font.setFamilies({QStringLiteral("Noto Sans CJK SC"), QStringLiteral("Source Han Sans SC"),
                      QStringLiteral("WenQuanYi Micro Hei"), QStringLiteral("Microsoft YaHei"),
                      QStringLiteral("sans-serif")});
    font.setPointSizeF(pointSize);
    return font;
}

} // namespace parkatlas::render
