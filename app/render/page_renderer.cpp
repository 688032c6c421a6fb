#include "app/render/page_renderer.h"

#include "app/render/legend.h"
#include "app/render/map_renderer.h"
#include "app/render/map_settings.h"
#include "app/render/page_painter.h"
#include "app/render/pdf_content.h"

#include "geo/error.h"
#include "geo/io/atomic_file.h"

#include <QBuffer>
#include <QDate>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QHash>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QRawFont>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace parkatlas::render {

namespace {

const QColor kFineInk(90, 90, 90);

/// 1, 2 or 5 × 10^k at or below `value`.
double roundStepDown(double value)
{
    if (!(value > 0))
        return 0;
    const double decade = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {5.0, 2.0, 1.0})
        if (decade * step <= value * (1 + 1e-9))
            return decade * step;
    return decade;
}

QString groupedNumber(double value)
{
    // 3 300 000: the thousands of a Gauss-Krüger coordinate read at a glance.
    QString digits = QString::number(std::llround(std::fabs(value)));
    for (qsizetype at = digits.size() - 3; at > 0; at -= 3)
        digits.insert(at, QChar(0x2009));
    return value < 0 ? QLatin1Char('-') + digits : digits;
}

QString lengthText(double metres)
{
    if (metres >= 1000)
        return QString::number(metres / 1000, 'g', 6) + QStringLiteral(" 千米");
    return QString::number(metres, 'g', 6) + QStringLiteral(" 米");
}

} // namespace

/// Page text: Latin letters and digits from DejaVu Sans (there with fontconfig everywhere), CJK
/// from Noto Sans CJK. Not Noto Sans CJK alone: its digits are shaped to glyphs that Qt's PDF
/// writer leaves out of the ToUnicode map, so "1:5000" would not be found in the PDF.
QFont pageFont(double points)
{
    QFont font = cjkFont(points);
    QStringList families = font.families();
    families.prepend(QStringLiteral("DejaVu Sans"));
    font.setFamilies(families);
    return font;
}

namespace {

/// The unified ideograph (U+4E00…U+9FFF) that shares its glyph with a CJK radical (U+2E80…
/// U+2FDF) in the page's CJK font, or 0. The Kangxi radicals also decompose by NFKC, but most of
/// the Radicals Supplement does not ("青" comes back as "⻘" U+2EDD), so the font's own cmap
/// decides: the radical's glyph, looked up among the ideographs' glyphs.
uint ideographSharingGlyph(uint radical)
{
    static const QHash<uint, uint> map = [] {
        QHash<uint, uint> result;
        const QRawFont font = QRawFont::fromFont(cjkFont(12));
        if (!font.isValid())
            return result;
        auto glyphsOf = [&font](uint first, uint last) {
            QString text;
            for (uint c = first; c <= last; ++c)
                text.append(QChar(static_cast<char16_t>(c)));
            return std::make_pair(text, font.glyphIndexesForString(text));
        };
        QHash<quint32, uint> ideographOfGlyph;
        const auto [ideographs, ideographGlyphs] = glyphsOf(0x4E00, 0x9FFF);
        for (qsizetype i = 0; i < ideographGlyphs.size(); ++i)
            if (ideographGlyphs[i] != 0 && !ideographOfGlyph.contains(ideographGlyphs[i]))
                ideographOfGlyph.insert(ideographGlyphs[i], ideographs.at(i).unicode());
        const auto [radicals, radicalGlyphs] = glyphsOf(0x2E80, 0x2FDF);
        for (qsizetype i = 0; i < radicalGlyphs.size(); ++i)
            if (const auto it = ideographOfGlyph.constFind(radicalGlyphs[i]);
                radicalGlyphs[i] != 0 && it != ideographOfGlyph.constEnd())
                result.insert(radicals.at(i).unicode(), it.value());
        return result;
    }();
    return map.value(radical, 0);
}

/// Qt's PDF writer maps each glyph back to the lowest code point that has it, and Noto Sans CJK
/// gives CJK radicals (U+2E80…, U+2F00…) the glyphs of the ideographs: "用" would be extracted
/// as "⽤" (U+2F64), "青" as "⻘" (U+2EDD), and a search for 用地 would fail. The ToUnicode maps
/// are written uncompressed; this rewrites each such code point in place (same length, so no
/// offset moves) to the ideograph with the same glyph (else its NFKC form), and the tab Qt maps
/// the space glyph to back to a space.
} // namespace

void fixToUnicodeMaps(QByteArray& pdf)
{
    const auto rewrite = [&pdf](qsizetype at) { // at: the '<' of a 4-digit destination
        bool ok = false;
        const uint code = QByteArray(pdf.constData() + at + 1, 4).toUInt(&ok, 16);
        if (!ok)
            return;
        uint replacement = code;
        if (code == 0x0009) {
            replacement = 0x0020;
        } else if (code >= 0x2E80 && code <= 0x2FDF) {
            const QString normal = QString(QChar(static_cast<char16_t>(code)))
                                       .normalized(QString::NormalizationForm_KC);
            if (const uint same = ideographSharingGlyph(code); same != 0)
                replacement = same;
            else if (normal.size() == 1)
                replacement = normal.at(0).unicode();
        }
        if (replacement == code)
            return;
        const QByteArray hex = QByteArray::number(replacement, 16).toUpper().rightJustified(4, '0');
        for (int k = 0; k < 4; ++k)
            pdf[at + 1 + k] = hex[k];
    };
    qsizetype from = 0;
    while (true) {
        const qsizetype begin = pdf.indexOf("begincmap", from);
        if (begin < 0)
            return;
        const qsizetype end = pdf.indexOf("endcmap", begin);
        if (end < 0)
            return;
        // Destinations only: in "beginbfrange" lines the first two codes are sources, in
        // "beginbfchar" lines the first; code space ranges are left alone.
        int sources = -1;
        qsizetype line = begin;
        while (line < end) {
            qsizetype next = pdf.indexOf('\n', line);
            if (next < 0 || next > end)
                next = end;
            const QByteArray text = pdf.mid(line, next - line);
            if (text.contains("beginbfrange"))
                sources = 2;
            else if (text.contains("beginbfchar"))
                sources = 1;
            else if (text.contains("endbfrange") || text.contains("endbfchar"))
                sources = -1;
            else if (sources > 0 && text.startsWith('<')) {
                int seen = 0;
                for (qsizetype i = line; i + 5 < next; ++i) {
                    if (pdf[i] != '<')
                        continue;
                    const bool fourDigits = pdf[i + 5] == '>';
                    if (seen++ >= sources && fourDigits)
                        rewrite(i);
                }
            }
            line = next + 1;
        }
        from = end;
    }
}

namespace {

/// What the frame is fitted to: the layers whose role the layout's focus names, else (no focus,
/// or none of its layers on the page) every layer.
geo::Envelope focusExtent(const PageLayout& layout, const std::vector<LayerSnapshot>& layers)
{
    const auto extentOf = [&layers](const std::vector<geo::Role>& roles) {
        std::vector<LayerSnapshot> chosen;
        for (const LayerSnapshot& snapshot : layers)
            if (snapshot.role &&
                std::find(roles.begin(), roles.end(), *snapshot.role) != roles.end())
                chosen.push_back(snapshot);
        return combinedExtent(chosen);
    };
    std::vector<geo::Role> focus;
    for (const QString& name : layout.focus)
        if (const auto role = geo::roleFromLayerName(name.toStdString()))
            focus.push_back(*role);
    if (!focus.empty())
        if (const geo::Envelope extent = extentOf(focus); !extent.isEmpty())
            return extent;
    return combinedExtent(layers);
}

constexpr double kLegendPoints = 7.5; // the legend's text at full size (A3), points

/// Where each legend entry goes: a cell per entry (mm), the entries that fit, the size factor
/// of the text (0.7–1) and the cell of the "… 另有 N 类" line when some are left out.
struct LegendLayout {
    std::vector<QRectF> cells;
    std::size_t shown = 0;
    double scale = 1;
    QRectF moreCell;
    double usedHeightMm = 0; // of the tallest column
};

/// Lays the legend out in `area` (mm, below its heading) on `device`'s fonts: every label wrapped
/// to its column's width, so none is cut; one column, else two where the area is wide, at full
/// size, else set closer and smaller step by step down to 70 %; only what still does not fit is
/// left out (the last entries, with a line saying how many).
LegendLayout layOutLegend(const std::vector<LegendEntry>& entries, const QRectF& area, double u,
                          QPaintDevice* device, double pxPerMm)
{
    const int maxColumns = area.width() >= 70 * u ? 2 : 1;
    const auto attempt = [&](double scale, int columns, bool partial) {
        LegendLayout layout;
        layout.scale = scale;
        const QFont font(pageFont(kLegendPoints * u * scale), device);
        const QFontMetricsF metrics(font, device);
        const double columnWidth = area.width() / columns;
        const double rowHeight = 5.6 * u * scale;
        const double labelWidth = columnWidth - 9 * u - 4 * u;
        int column = 0;
        double y = area.top();
        double used = 0;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const double textMm =
                metrics
                    .boundingRect(QRectF(0, 0, labelWidth * pxPerMm, 1e6),
                                  Qt::AlignLeft | Qt::TextWordWrap, entries[i].label)
                    .height() /
                pxPerMm;
            const double height = std::max(rowHeight, textMm + 1.2 * u * scale);
            if (y + height > area.bottom() + 1e-9) {
                if (++column >= columns) {
                    if (!partial)
                        return std::optional<LegendLayout>();
                    // Make room for the "… 另有 N 类" line in the last column.
                    while (layout.shown > 0 &&
                           layout.cells.back().bottom() + rowHeight > area.bottom() + 1e-9) {
                        layout.cells.pop_back();
                        --layout.shown;
                    }
                    const double at =
                        layout.cells.empty() ? area.top() : layout.cells.back().bottom();
                    layout.moreCell = QRectF(area.left() + (columns - 1) * columnWidth + 1 * u, at,
                                             columnWidth, rowHeight);
                    layout.usedHeightMm = area.height();
                    return std::optional<LegendLayout>(layout);
                }
                y = area.top();
            }
            layout.cells.emplace_back(area.left() + column * columnWidth, y, columnWidth, height);
            ++layout.shown;
            y += height;
            used = std::max(used, y - area.top());
        }
        layout.usedHeightMm = used;
        return std::optional<LegendLayout>(layout);
    };
    for (double scale = 1.0; scale > 0.69; scale -= 0.05)
        for (int columns = 1; columns <= maxColumns; ++columns)
            if (const auto layout = attempt(scale, columns, false))
                return *layout;
    return *attempt(0.7, maxColumns, true);
}

/// The height the area table needs (mm): its title, header, rows, total and notes.
double tableHeightMm(const geo::LedgerTable& table, double u)
{
    const std::size_t rows = table.rows.size() + 1 + (table.total.empty() ? 0 : 1);
    return 6.5 * u + 4.6 * u * static_cast<double>(rows) + 3.6 * u * table.notes.size() + 1 * u;
}

/// The error of a page that cannot be written, naming the file.
geo::IoError writeError(const QString& path, const QString& why)
{
    return geo::IoError("cannot write the page: " + why.toStdString(),
                        {path.toStdString(), {}, -1, {}});
}

} // namespace

std::optional<PageFormat> pageFormatFromPath(const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("pdf"))
        return PageFormat::Pdf;
    if (suffix == QLatin1String("svg"))
        return PageFormat::Svg;
    if (suffix == QLatin1String("png"))
        return PageFormat::Png;
    return std::nullopt;
}

PageRenderer::PageRenderer(PageLayout layout, std::vector<LayerSnapshot> layers, geo::Crs crs,
                           QString parkName)
    : m_layout(std::move(layout)), m_layers(std::move(layers)), m_crs(std::move(crs)),
      m_parkName(std::move(parkName))
{
    // Labels in the page's fonts, so their digits stay text in a PDF too (see pageFont).
    for (LayerSnapshot& snapshot : m_layers)
        if (!snapshot.style.labelFields.empty() || snapshot.style.labelAreaMu) {
            QFont font = pageFont(snapshot.style.labelFont.pointSizeF());
            font.setWeight(snapshot.style.labelFont.weight());
            snapshot.style.labelFont = font;
        }
    m_pageMm = m_layout.pageSizeMm();
    if (m_pageMm.isEmpty())
        m_pageMm = paperSizeMm(QStringLiteral("A3")).transposed();
    const double u = std::min(m_pageMm.width(), m_pageMm.height()) / 297.0;
    m_unit = u;
    const double margin = std::clamp(m_layout.marginMm, 0.0, m_pageMm.height() / 4);
    m_borderMm = QRectF(QPointF(0, 0), m_pageMm).adjusted(margin, margin, -margin, -margin);
    m_innerMm = m_borderMm.adjusted(1.5 * u, 1.5 * u, -1.5 * u, -1.5 * u);
    const double titleHeight = m_layout.subtitle.isEmpty() ? 17 * u : 22 * u;
    m_titleMm = QRectF(m_innerMm.left(), m_innerMm.top(), m_innerMm.width(), titleHeight);
    m_footMm = QRectF(m_innerMm.left(), m_innerMm.bottom() - 9 * u, m_innerMm.width(), 9 * u);
    const QRectF body(m_innerMm.left(), m_titleMm.bottom(), m_innerMm.width(),
                      m_footMm.top() - m_titleMm.bottom());
    QRectF mapArea;
    if (m_layout.landscape) {
        const double panelWidth = std::min(92 * u, body.width() * 0.4);
        m_panelMm = QRectF(body.right() - panelWidth, body.top(), panelWidth, body.height());
        mapArea = QRectF(body.left(), body.top(), body.width() - panelWidth, body.height());
    } else {
        const double panelHeight = body.height() * 0.3;
        m_panelMm = QRectF(body.left(), body.bottom() - panelHeight, body.width(), panelHeight);
        mapArea = QRectF(body.left(), body.top(), body.width(), body.height() - panelHeight);
    }
    const double inset = 4 * u;
    const double gridBand = m_layout.grid ? 4 * u : 0;
    m_frameMm = mapArea.adjusted(inset + gridBand, inset + gridBand, -inset, -inset);

    geo::Envelope data = m_layout.extent ? *m_layout.extent : focusExtent(m_layout, m_layers);
    if (data.isEmpty())
        data = geo::Envelope{0, 0, 1, 1};
    const double centreX = (data.minX + data.maxX) / 2;
    const double centreY = (data.minY + data.maxY) / 2;
    const double metresPerUnit =
        m_crs.isProjected() && m_crs.linearUnitM() > 0 ? m_crs.linearUnitM() : 0;
    double unitsPerMm = 0;
    if (metresPerUnit > 0) {
        m_scale = m_layout.scaleDenominator;
        if (m_scale <= 0) {
            // A little room around the data (the boundary's heavy line), then the next round
            // scale: the finest of the series that holds it, so the map fills the frame.
            const double needed =
                std::max(data.width() / m_frameMm.width(), data.height() / m_frameMm.height()) *
                1.04 * metresPerUnit * 1000;
            m_scale = roundScaleUp(std::max(needed, 1.0));
        }
        unitsPerMm = m_scale / 1000 / metresPerUnit;
    } else {
        unitsPerMm =
            std::max(data.width() / m_frameMm.width(), data.height() / m_frameMm.height()) * 1.04;
        if (!(unitsPerMm > 0))
            unitsPerMm = 1;
    }
    const double halfWidth = m_frameMm.width() * unitsPerMm / 2;
    const double halfHeight = m_frameMm.height() * unitsPerMm / 2;
    m_frameExtent = geo::Envelope{centreX - halfWidth, centreY - halfHeight, centreX + halfWidth,
                                  centreY + halfHeight};
    if (m_layout.grid)
        m_gridStep = roundStepDown(m_frameExtent.width() / 5);
}

QRectF PageRenderer::northArrowCard() const
{
    const double u = m_unit;
    return {m_frameMm.right() - 16 * u, m_frameMm.top() + 3 * u, 13 * u, 22 * u};
}

QString PageRenderer::fill(const QString& text) const
{
    QString filled = text;
    filled.replace(QStringLiteral("{park}"), m_parkName);
    return filled;
}

QString PageRenderer::title() const
{
    if (!m_layout.title.isEmpty())
        return fill(m_layout.title);
    return m_parkName + (m_layout.name.isEmpty() ? QStringLiteral("现状图") : m_layout.name);
}

QString PageRenderer::subtitle() const
{
    return fill(m_layout.subtitle);
}

QString PageRenderer::date() const
{
    if (!m_layout.date.isEmpty())
        return fill(m_layout.date);
    const QDate today = QDate::currentDate();
    return QStringLiteral("%1年%2月").arg(today.year()).arg(today.month());
}

bool PageRenderer::paint(QPainter& painter, double dpi, const geo::CancelFlag& cancel,
                         PageExportResult& result, PdfPageContent* pdfContent) const
{
    PagePainter page(painter, dpi);
    const double u = m_unit;
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    painter.fillRect(page.px(QRectF(QPointF(0, 0), m_pageMm)), Qt::white);

    // The map, clipped to its frame, at the page's resolution.
    {
        const QRectF framePx = page.px(m_frameMm);
        const QSize size(std::max(1, static_cast<int>(std::lround(framePx.width()))),
                         std::max(1, static_cast<int>(std::lround(framePx.height()))));
        // The frame's extent for the rounded pixel size, at exactly the page's scale.
        const double unitsPerPixel = m_frameExtent.width() / framePx.width();
        const double centreX = (m_frameExtent.minX + m_frameExtent.maxX) / 2;
        const double centreY = (m_frameExtent.minY + m_frameExtent.maxY) / 2;
        const geo::Envelope extent{centreX - size.width() * unitsPerPixel / 2,
                                   centreY - size.height() * unitsPerPixel / 2,
                                   centreX + size.width() * unitsPerPixel / 2,
                                   centreY + size.height() * unitsPerPixel / 2};
        std::vector<QRectF> obstacles;
        if (m_layout.northArrow)
            obstacles.push_back(page.px(northArrowCard().translated(-m_frameMm.topLeft())));
        const MapSettings settings = MapSettings(extent, size, dpi, Qt::white, m_layers, m_crs)
                                         .withLabelObstacles(std::move(obstacles));
        painter.save();
        painter.translate(framePx.topLeft());
        painter.setClipRect(QRectF(0, 0, size.width(), size.height()));
        std::vector<std::string> errors;
        const bool finished =
            MapRenderer(settings).paint(painter, cancel, errors, &result.featuresDrawn, nullptr,
                                        pdfContent);
        painter.restore();
        for (const std::string& error : errors)
            result.warnings.append(QString::fromStdString(error));
        if (!finished) {
            result.cancelled = true;
            return false;
        }
    }

    // Coordinate grid: fine lines across the map, labels outside the neatline.
    if (m_gridStep > 0) {
        const QFont font = page.font(5.5 * u);
        const QColor gridColour(120, 120, 120);
        const double unitsPerMm = m_frameExtent.width() / m_frameMm.width();
        for (double x = std::ceil(m_frameExtent.minX / m_gridStep) * m_gridStep;
             x < m_frameExtent.maxX; x += m_gridStep) {
            const double at = m_frameMm.left() + (x - m_frameExtent.minX) / unitsPerMm;
            page.line({at, m_frameMm.top()}, {at, m_frameMm.bottom()}, 0.1, gridColour);
            page.text(QRectF(at - 20 * u, m_frameMm.top() - 4 * u, 40 * u, 3.6 * u),
                      Qt::AlignHCenter | Qt::AlignBottom, groupedNumber(x), font, kFineInk);
        }
        for (double y = std::ceil(m_frameExtent.minY / m_gridStep) * m_gridStep;
             y < m_frameExtent.maxY; y += m_gridStep) {
            const double at = m_frameMm.bottom() - (y - m_frameExtent.minY) / unitsPerMm;
            page.line({m_frameMm.left(), at}, {m_frameMm.right(), at}, 0.1, gridColour);
            painter.save();
            painter.translate(page.px(QPointF(m_frameMm.left() - 0.6 * u, at)));
            painter.rotate(-90);
            page.text(QRectF(-20 * u, -3.6 * u, 40 * u, 3.4 * u),
                      Qt::AlignHCenter | Qt::AlignBottom, groupedNumber(y), font, kFineInk);
            painter.restore();
        }
    }

    // Neatline, border (heavy outside, fine inside) and the title band.
    page.rect(m_frameMm, 0.35 * u);
    page.rect(m_borderMm, 0.8 * u);
    page.rect(m_innerMm, 0.2 * u);
    page.line(m_titleMm.bottomLeft(), m_titleMm.bottomRight(), 0.2 * u);
    page.line(m_footMm.topLeft(), m_footMm.topRight(), 0.2 * u);
    if (m_layout.landscape)
        page.line(m_panelMm.topLeft(), m_panelMm.bottomLeft(), 0.2 * u);
    else
        page.line(m_panelMm.topLeft(), m_panelMm.topRight(), 0.2 * u);
    {
        const QString subtitleText = subtitle();
        const double titleHeight = subtitleText.isEmpty() ? m_titleMm.height() : 13 * u;
        page.text(QRectF(m_titleMm.left(), m_titleMm.top() + 1 * u, m_titleMm.width(),
                         titleHeight - 1 * u),
                  Qt::AlignCenter, title(), page.font(22 * u, true));
        if (!subtitleText.isEmpty())
            page.text(QRectF(m_titleMm.left(), m_titleMm.top() + titleHeight, m_titleMm.width(),
                             m_titleMm.height() - titleHeight - 1.5 * u),
                      Qt::AlignHCenter | Qt::AlignTop, subtitleText, page.font(11 * u));
    }

    // North arrow in the map's top-right corner, on a white card.
    if (m_layout.northArrow) {
        const QRectF card = northArrowCard();
        page.rect(card, 0.15 * u, kFineInk, Qt::white);
        page.text(QRectF(card.left(), card.top() + 0.8 * u, card.width(), 5 * u), Qt::AlignCenter,
                  QStringLiteral("北"), page.font(9 * u, true));
        const double cx = card.center().x();
        const QPointF tip = page.px(QPointF(cx, card.top() + 6.5 * u));
        const QPointF base = page.px(QPointF(cx, card.bottom() - 5 * u));
        const QPointF left = page.px(QPointF(cx - 3.5 * u, card.bottom() - 2 * u));
        const QPointF right = page.px(QPointF(cx + 3.5 * u, card.bottom() - 2 * u));
        painter.setPen(QPen(kInk, page.px(0.2 * u), Qt::SolidLine, Qt::FlatCap, Qt::MiterJoin));
        painter.setBrush(kInk);
        painter.drawPolygon(QPolygonF({tip, base, left}));
        painter.setBrush(Qt::white);
        painter.drawPolygon(QPolygonF({tip, right, base}));
    }

    // The panel: legend, table, scale bar and title block.
    const std::vector<LegendEntry> entries = m_layout.legend
                                                 ? legendEntries(m_layers, m_frameExtent, m_scale)
                                                 : std::vector<LegendEntry>{};
    const double legendHeadingMm = 8 * u;
    const auto legendFor = [&](const QRectF& area) {
        return layOutLegend(entries, area.adjusted(0, legendHeadingMm, 0, 0), u, painter.device(),
                            page.px(1.0));
    };
    QRectF legendArea, tableArea, scaleArea, blockArea;
    {
        const QRectF panel = m_panelMm.adjusted(3 * u, 3 * u, -3 * u, -3 * u);
        const double blockHeight = 4 * 6 * u;
        const double scaleHeight = m_scale > 0 && m_layout.scaleBar ? 16 * u : 0;
        if (m_layout.landscape) {
            blockArea =
                QRectF(panel.left(), panel.bottom() - blockHeight, panel.width(), blockHeight);
            scaleArea = QRectF(panel.left(), blockArea.top() - scaleHeight - 2 * u, panel.width(),
                               scaleHeight);
            const double free = scaleArea.top() - 2 * u - panel.top();
            // The legend takes what it needs at full size when the table leaves room for it,
            // else at least 55 % (then it is set closer and smaller, or in two columns).
            double legendHeight = m_table ? free * 0.55 : free;
            if (m_table && m_layout.legend) {
                const double tableNeeds = tableHeightMm(*m_table, u);
                const LegendLayout natural =
                    legendFor(QRectF(panel.left(), panel.top(), panel.width(), 1e6));
                const double legendNeeds = natural.usedHeightMm + legendHeadingMm;
                if (legendNeeds + 2 * u + tableNeeds <= free)
                    legendHeight = legendNeeds;
                else
                    legendHeight = std::max(free * 0.55, free - 2 * u - tableNeeds);
                legendHeight = std::min(legendHeight, free - 2 * u - 13 * u);
            }
            legendArea = QRectF(panel.left(), panel.top(), panel.width(), legendHeight);
            tableArea = QRectF(panel.left(), legendArea.bottom() + 2 * u, panel.width(),
                               free - legendArea.height() - 2 * u);
        } else {
            const double half = (panel.width() - 4 * u) / 2;
            legendArea = QRectF(panel.left(), panel.top(), half, panel.height());
            const QRectF right(panel.right() - half, panel.top(), half, panel.height());
            blockArea = QRectF(right.left(), right.bottom() - blockHeight, half, blockHeight);
            scaleArea =
                QRectF(right.left(), blockArea.top() - scaleHeight - 2 * u, half, scaleHeight);
            tableArea =
                QRectF(right.left(), right.top(), half, scaleArea.top() - 2 * u - right.top());
        }
    }

    if (m_layout.legend) {
        const QFont heading = page.font(11 * u, true);
        page.text(QRectF(legendArea.left(), legendArea.top(), legendArea.width(), 7 * u),
                  Qt::AlignCenter, QStringLiteral("图  例"), heading);
        const LegendLayout legend = legendFor(legendArea);
        if (legend.shown < entries.size())
            result.warnings.append(QStringLiteral("legend: %1 of %2 classes fit; the others are "
                                                  "left out")
                                       .arg(legend.shown)
                                       .arg(entries.size()));
        const QFont font = page.font(kLegendPoints * u * legend.scale);
        const double patchWidth = 9 * u, patchHeight = 4.4 * u * legend.scale;
        for (std::size_t i = 0; i < legend.shown; ++i) {
            const QRectF& cell = legend.cells[i];
            const QRectF patch(
                cell.left() + 1 * u,
                cell.top() + (std::min(cell.height(), 5.6 * u * legend.scale) - patchHeight) / 2,
                patchWidth, patchHeight);
            drawLegendPatch(painter, page.px(patch), entries[i], dpi);
            // Wrapped, never cut: the cell is as tall as the label's lines.
            const QRectF label(patch.right() + 2 * u, cell.top(), cell.width() - patchWidth - 4 * u,
                               cell.height());
            page.text(label, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, entries[i].label,
                      font);
        }
        if (legend.shown < entries.size())
            page.text(legend.moreCell, Qt::AlignLeft | Qt::AlignVCenter,
                      QStringLiteral("… 另有 %1 类").arg(entries.size() - legend.shown), font);
    }

    if (m_table && tableArea.height() > 12 * u) {
        const geo::LedgerTable& table = *m_table;
        const QFont titleFont = page.font(9 * u, true);
        page.text(QRectF(tableArea.left(), tableArea.top(), tableArea.width(), 6 * u),
                  Qt::AlignCenter, QString::fromStdString(table.title), titleFont);
        const QFont font = page.font(6.5 * u);
        const QFont bold = page.font(6.5 * u, true);
        const std::vector<std::vector<std::string>> cells = table.shown();
        const std::size_t columnCount = table.columns.size();
        std::vector<double> widths(columnCount, 0);
        for (std::size_t c = 0; c < columnCount; ++c) {
            widths[c] = page.textWidth(bold, QString::fromStdString(table.columns[c].header));
            for (const auto& row : cells)
                widths[c] =
                    std::max(widths[c], page.textWidth(font, QString::fromStdString(row[c])));
            widths[c] += 2 * u;
        }
        double natural = 0;
        for (const double width : widths)
            natural += width;
        for (double& width : widths)
            width *= tableArea.width() / natural;
        const double rowHeight = 4.6 * u;
        const double notesHeight = table.notes.empty() ? 0 : 3.6 * u * table.notes.size();
        const double top = tableArea.top() + 6.5 * u;
        const int fit = static_cast<int>((tableArea.bottom() - notesHeight - top) / rowHeight) - 1;
        const bool hasTotal = !table.total.empty();
        std::size_t bodyRows = cells.size() - (hasTotal ? 1 : 0);
        std::size_t shownRows = bodyRows;
        if (fit < static_cast<int>(cells.size())) {
            shownRows = static_cast<std::size_t>(std::max(0, fit - (hasTotal ? 2 : 1)));
            result.warnings.append(QStringLiteral("table: %1 of %2 rows fit on the page; the "
                                                  "total is of all rows")
                                       .arg(shownRows)
                                       .arg(bodyRows));
        }
        auto drawRow = [&](double y, const std::vector<QString>& texts, const QFont& rowFont,
                           bool shaded) {
            double x = tableArea.left();
            if (shaded)
                page.rect(QRectF(tableArea.left(), y, tableArea.width(), rowHeight), 0, kInk,
                          QColor(236, 236, 236));
            for (std::size_t c = 0; c < columnCount; ++c) {
                const bool text = table.columns[c].kind == geo::LedgerColumn::Kind::Text;
                const QRectF cell(x + 1 * u, y, widths[c] - 2 * u, rowHeight);
                const QString shownText =
                    QFontMetricsF(rowFont, painter.device())
                        .elidedText(texts[c], Qt::ElideRight, page.px(cell.width()));
                page.text(cell, (text ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter,
                          shownText, rowFont);
                x += widths[c];
            }
        };
        double y = top;
        std::vector<QString> header;
        for (const geo::LedgerColumn& column : table.columns)
            header.push_back(QString::fromStdString(column.header));
        drawRow(y, header, bold, true);
        const double bodyTop = y;
        y += rowHeight;
        auto textsOf = [&](const std::vector<std::string>& row) {
            std::vector<QString> texts;
            for (const std::string& cell : row)
                texts.push_back(QString::fromStdString(cell));
            return texts;
        };
        for (std::size_t r = 0; r < shownRows; ++r) {
            drawRow(y, textsOf(cells[r]), font, false);
            y += rowHeight;
        }
        if (shownRows < bodyRows) {
            std::vector<QString> more(columnCount);
            more[0] = QStringLiteral("… 另 %1 行").arg(bodyRows - shownRows);
            drawRow(y, more, font, false);
            y += rowHeight;
        }
        if (hasTotal) {
            page.line({tableArea.left(), y}, {tableArea.right(), y}, 0.25 * u);
            drawRow(y, textsOf(cells.back()), bold, false);
            y += rowHeight;
        }
        // Ruled like a printed table: heavy top and bottom, fine column rules.
        page.line({tableArea.left(), bodyTop}, {tableArea.right(), bodyTop}, 0.35 * u);
        page.line({tableArea.left(), bodyTop + rowHeight}, {tableArea.right(), bodyTop + rowHeight},
                  0.15 * u);
        page.line({tableArea.left(), y}, {tableArea.right(), y}, 0.35 * u);
        double x = tableArea.left();
        for (std::size_t c = 0; c + 1 < columnCount; ++c) {
            x += widths[c];
            page.line({x, bodyTop}, {x, y}, 0.1 * u, kFineInk);
        }
        const QFont noteFont = page.font(5.5 * u);
        const QFontMetricsF noteMetrics(noteFont, painter.device());
        for (const std::string& note : table.notes) {
            // Wrapped when long; elided only where the panel ends.
            const QString text = QString::fromStdString(note);
            const int flags = Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap;
            const double height =
                std::max(3.4 * u, page.mm(noteMetrics
                                              .boundingRect(QRectF(0, 0, page.px(tableArea.width()),
                                                                   page.px(100 * u)),
                                                            flags, text)
                                              .height()));
            if (y + 0.4 * u + height <= tableArea.bottom()) {
                page.text(QRectF(tableArea.left(), y + 0.4 * u, tableArea.width(), height), flags,
                          text, noteFont, kFineInk);
                y += height + 0.2 * u;
                continue;
            }
            if (y + 3.6 * u > tableArea.bottom())
                break;
            page.text(QRectF(tableArea.left(), y + 0.4 * u, tableArea.width(), 3.4 * u),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      noteMetrics.elidedText(text, Qt::ElideRight, page.px(tableArea.width())),
                      noteFont, kFineInk);
            y += 3.6 * u;
        }
    }

    if (m_scale > 0 && m_layout.scaleBar && scaleArea.height() > 0) {
        const QFont font = page.font(7 * u);
        page.text(QRectF(scaleArea.left(), scaleArea.top(), scaleArea.width(), 5 * u),
                  Qt::AlignLeft | Qt::AlignVCenter,
                  QStringLiteral("比例尺 1:%1").arg(QString::number(m_scale, 'f', 0)),
                  page.font(8 * u, true));
        const double maxBarMm = std::min(scaleArea.width() - 14 * u, 60 * u);
        const double metresPerMm = m_scale / 1000;
        const double lengthM = roundStepDown(maxBarMm * metresPerMm);
        const double barMm = lengthM / metresPerMm;
        const int segments = 4;
        const double left = scaleArea.left() + 2 * u;
        const QRectF bar(left, scaleArea.top() + 7 * u, barMm, 1.8 * u);
        for (int i = 0; i < segments; ++i) {
            const QRectF segment(bar.left() + i * barMm / segments, bar.top(), barMm / segments,
                                 bar.height());
            page.rect(segment, 0.15 * u, kInk, i % 2 == 0 ? QBrush(kInk) : QBrush(Qt::white));
        }
        for (int i = 0; i <= segments; i += 2) {
            const double at = bar.left() + i * barMm / segments;
            const double value = lengthM * i / segments;
            const QString label =
                i == segments
                    ? lengthText(value)
                    : QString::number(value >= 1000 && lengthM >= 1000 ? value / 1000 : value, 'g',
                                      6);
            const double width = i == segments ? 24 * u : 12 * u;
            page.text(QRectF(i == segments ? at - 3 * u : at - width / 2, bar.bottom() + 0.6 * u,
                             width, 4 * u),
                      (i == segments ? Qt::AlignLeft : Qt::AlignHCenter) | Qt::AlignTop, label,
                      font);
        }
    }

    {
        const QFont labelFont = page.font(7 * u, true);
        const QFont font = page.font(7 * u);
        const QString crsLabel =
            m_crs.isEmpty() ? QStringLiteral("—") : QString::fromStdString(m_crs.label());
        const std::pair<QString, QString> rows[] = {
            {QStringLiteral("编制单位"), fill(m_layout.organisation)},
            {QStringLiteral("比例尺"),
             m_scale > 0 ? QStringLiteral("1:%1").arg(QString::number(m_scale, 'f', 0))
                         : QStringLiteral("—")},
            {QStringLiteral("坐标系"), crsLabel},
            {QStringLiteral("日期"), date()}};
        const double rowHeight = blockArea.height() / 4;
        const double labelWidth = 18 * u;
        page.rect(blockArea, 0.35 * u);
        for (int i = 0; i < 4; ++i) {
            const double y = blockArea.top() + i * rowHeight;
            if (i > 0)
                page.line({blockArea.left(), y}, {blockArea.right(), y}, 0.15 * u);
            page.text(QRectF(blockArea.left(), y, labelWidth, rowHeight), Qt::AlignCenter,
                      rows[i].first, labelFont);
            const QRectF value(blockArea.left() + labelWidth + 2 * u, y,
                               blockArea.width() - labelWidth - 3 * u, rowHeight);
            page.text(value, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetricsF(font, painter.device())
                          .elidedText(rows[i].second, Qt::ElideRight, page.px(value.width())),
                      font);
        }
        page.line({blockArea.left() + labelWidth, blockArea.top()},
                  {blockArea.left() + labelWidth, blockArea.bottom()}, 0.15 * u);
    }

    {
        QStringList lines = m_footnotes;
        if (!m_crs.isEmpty())
            lines.append(QStringLiteral("坐标系：%1（%2）")
                             .arg(QString::fromStdString(m_crs.name()),
                                  QString::fromStdString(m_crs.label())));
        if (!m_layout.footnote.isEmpty())
            lines.append(fill(m_layout.footnote));
        // Smaller as it grows (the sources, the classifications, a ballpark transform …), so
        // every line stays on the page.
        const QRectF area = m_footMm.adjusted(2 * u, 0.5 * u, -2 * u, -0.5 * u);
        const QString text = QStringLiteral("注：") + lines.join(QStringLiteral("；"));
        const int flags = Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap;
        double points = 6.5 * u;
        QFont font = page.font(points);
        const auto heightMm = [&](const QFont& candidate) {
            return page.mm(QFontMetricsF(candidate, painter.device())
                               .boundingRect(page.px(QRectF(0, 0, area.width(), 1000)), flags, text)
                               .height());
        };
        while (heightMm(font) > area.height() && points > 4.5 * u) {
            points -= 0.25 * u;
            font = page.font(points);
        }
        if (heightMm(font) > area.height())
            result.warnings.append(
                QStringLiteral("footnote: longer than its band; the end is cut"));
        page.text(area, flags, text, font, kFineInk);
    }
    return !cancel.isCancelled();
}

QImage PageRenderer::renderImage(double dpi, const geo::CancelFlag& cancel,
                                 PageExportResult* result) const
{
    const QSize size(static_cast<int>(std::lround(m_pageMm.width() / kMmPerInch * dpi)),
                     static_cast<int>(std::lround(m_pageMm.height() / kMmPerInch * dpi)));
    QImage image(size, QImage::Format_RGB32);
    if (image.isNull())
        return image; // too large to hold
    const int dotsPerMetre = static_cast<int>(std::lround(dpi / 0.0254));
    image.setDotsPerMeterX(dotsPerMetre);
    image.setDotsPerMeterY(dotsPerMetre);
    image.fill(Qt::white);
    PageExportResult local;
    {
        QPainter painter(&image);
        paint(painter, dpi, cancel, result ? *result : local);
    }
    return image;
}

PageExportResult PageRenderer::exportTo(const QString& path, PageFormat format, double dpi) const
{
    const geo::CancelFlag never;
    return exportTo(path, format, dpi, never);
}

PageExportResult PageRenderer::exportTo(const QString& path, PageFormat format, double dpi,
                                        const geo::CancelFlag& cancel) const
{
    QElapsedTimer timer;
    timer.start();
    PageExportResult result;
    // Written under a hidden name beside PATH and moved into place when complete.
    geo::AtomicOutput output{std::filesystem::path(path.toStdString())};
    QFile file(QString::fromStdString(output.path().string()));
    if (!file.open(QIODevice::WriteOnly))
        throw writeError(path, file.errorString());
    bool painted = true;
    if (format != PageFormat::Png)
        dpi = std::max(dpi, kVectorDpi);
    switch (format) {
    case PageFormat::Pdf: {
        // The map's polygon layers are written by PdfPageContent and spliced into Qt's page
        // (PARKATLAS_PDF_THROUGH_QT=1: all through Qt's engine, to compare).
        PdfPageContent content;
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        {
            QPdfWriter writer(&buffer);
            writer.setResolution(static_cast<int>(std::lround(dpi)));
            const QSizeF portrait = paperSizeMm(m_layout.paper).isEmpty()
                                        ? QSizeF(m_pageMm.height(), m_pageMm.width())
                                        : paperSizeMm(m_layout.paper);
            writer.setPageLayout(
                QPageLayout(QPageSize(portrait, QPageSize::Millimeter),
                            m_layout.landscape ? QPageLayout::Landscape : QPageLayout::Portrait,
                            QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter));
            writer.setTitle(title());
            writer.setCreator(QStringLiteral("ParkAtlas"));
            QPainter painter;
            if (!painter.begin(&writer))
                throw writeError(path, QStringLiteral("Qt's PDF writer could not start the page"));
            painted = paint(painter, dpi, cancel, result, &content);
            painter.end();
        }
        QByteArray pdf = buffer.buffer();
        fixToUnicodeMaps(pdf);
        try {
            content.splice(pdf);
        } catch (const std::runtime_error& error) {
            throw writeError(path, QString::fromStdString(error.what()));
        }
        if (painted && file.write(pdf) != pdf.size())
            throw writeError(path, file.errorString());
        break;
    }
    case PageFormat::Svg: {
        bool hatched = false;
        for (const LayerSnapshot& snapshot : m_layers) {
            hatched = hatched || (snapshot.style.fillPattern != Qt::SolidPattern &&
                                  snapshot.style.fillPattern != Qt::NoBrush);
            for (const Symbol& symbol : snapshot.style.classes)
                hatched = hatched || (symbol.fillPattern != Qt::SolidPattern &&
                                      symbol.fillPattern != Qt::NoBrush);
        }
        if (hatched)
            result.warnings.append(QStringLiteral(
                "SVG: hatched fills are drawn as translucent fills of their colour (Qt's SVG "
                "writer has no hatch patterns); the PDF keeps the hatching"));
        QSvgGenerator generator;
        generator.setOutputDevice(&file);
        const QSize size(static_cast<int>(std::lround(m_pageMm.width() / kMmPerInch * dpi)),
                         static_cast<int>(std::lround(m_pageMm.height() / kMmPerInch * dpi)));
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        generator.setResolution(static_cast<int>(std::lround(dpi)));
        generator.setTitle(title());
        generator.setDescription(QStringLiteral("ParkAtlas"));
        QPainter painter;
        if (!painter.begin(&generator))
            throw writeError(path, QStringLiteral("Qt's SVG writer could not start the page"));
        painted = paint(painter, dpi, cancel, result);
        painter.end();
        break;
    }
    case PageFormat::Png: {
        const QImage image = renderImage(dpi, cancel, &result);
        if (image.isNull())
            throw writeError(path, QStringLiteral("no memory for a page of %1 × %2 mm at %3 dpi")
                                       .arg(m_pageMm.width())
                                       .arg(m_pageMm.height())
                                       .arg(dpi));
        painted = !result.cancelled;
        if (painted && !image.save(&file, "PNG"))
            throw writeError(path,
                             QStringLiteral("the PNG writer failed (%1)").arg(file.errorString()));
        break;
    }
    }
    result.cancelled = !painted;
    if (!painted)
        return result; // the hidden file goes with `output`
    file.close();
    if (file.error() != QFileDevice::NoError)
        throw writeError(path, file.errorString());
    try {
        output.commit();
    } catch (const geo::IoError& failure) {
        throw writeError(path, QString::fromStdString(failure.message()));
    }
    result.elapsedMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return result;
}

} // namespace parkatlas::render
