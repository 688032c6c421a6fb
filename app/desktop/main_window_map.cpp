// MainWindow: the map under the pointer: the status bar's coordinates and scale, identify,
// selection (by click and by box), the overlay of the panels and the selection, zoom to.
#include "app/desktop/main_window.h"

#include "app/desktop/attribute_table_panel.h"
#include "app/desktop/audit_panel.h"
#include "app/desktop/changes_panel.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/findings_panel.h"
#include "app/desktop/identify_panel.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/map_canvas.h"
#include "app/desktop/park_date_dialog.h"
#include "app/desktop/plot_timeline_source.h"
#include "app/desktop/translation.h"
#include "app/render/hit_test.h"
#include "app/render/layer_style.h"
#include "geo/units.h"

#include <QComboBox>
#include <QLabel>
#include <QLocale>
#include <QRegularExpression>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>

namespace parkatlas::desktop {

namespace {

constexpr double kIdentifyRadiusPx = 4.0; // how near a click must be to a line or point

/// True when the feature shows a fill (so a click inside it hits it); outline-only
/// polygons (a boundary) are hit on their outline only: what you see is what you click.
bool showsFill(const render::LayerSnapshot& snapshot, std::size_t feature)
{
    const render::Symbol& symbol = snapshot.style.symbolFor(feature);
    return symbol.fill.alpha() > 0 && symbol.fillPattern != Qt::NoBrush;
}

} // namespace

void MainWindow::showCursorPosition(QPointF mapPoint)
{
    const geo::Crs& crs = m_canvas->crs();
    const int decimals = !crs.isEmpty() && crs.isGeographic() ? 6 : 2;
    m_coordinatesLabel->setText(
        tr("%1, %2 %3")
            .arg(mapPoint.x(), 0, 'f', decimals)
            .arg(mapPoint.y(), 0, 'f', decimals)
            .arg(crs.isEmpty() ? QString() : QString::fromStdString(crs.label())));
}

void MainWindow::showScale()
{
    const double denominator = m_canvas->scaleDenominator();
    const QSignalBlocker blocker(m_scaleBox);
    m_scaleBox->setEnabled(denominator > 0);
    if (denominator <= 0) {
        m_scaleBox->setEditText(tr("Scale unknown"));
        return;
    }
    m_scaleBox->setEditText(
        tr("1:%1").arg(QLocale().toString(static_cast<qlonglong>(std::llround(denominator)))));
}

void MainWindow::applyTypedScale()
{
    const double current = m_canvas->scaleDenominator();
    if (current <= 0)
        return;
    // "1:2000", "1：2 000", "1:2,000" or "2000": the digits after the colon.
    QString text = m_scaleBox->currentText();
    text.replace(QChar(0xFF1A), QLatin1Char(':'));
    text = text.section(QLatin1Char(':'), -1);
    text.remove(QRegularExpression(QStringLiteral("[\\s,.\\x{00A0}\\x{2009}\\x{202F}']")));
    bool ok = false;
    const double wanted = text.toDouble(&ok);
    if (ok && wanted >= 1 && std::abs(wanted - current) > 1e-6 * current)
        m_canvas->zoomAt(current / wanted, QPointF(m_canvas->width() / 2.0, m_canvas->height() / 2.0));
    showScale();
}

int MainWindow::layerIndex(const QString& name) const
{
    const auto& layers = m_canvas->layers();
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (QString::fromStdString(layers[i].snapshot.layer->name) == name)
            return static_cast<int>(i);
    return -1;
}

std::vector<std::size_t> MainWindow::selectionTargets() const
{
    const auto& layers = m_canvas->layers();
    const int picked = m_layersPanel->pickedLayer();
    if (picked >= 0 && static_cast<std::size_t>(picked) < layers.size())
        return {static_cast<std::size_t>(picked)};
    std::vector<std::size_t> targets;
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (layers[i].visible)
            targets.push_back(i);
    return targets;
}

std::vector<std::pair<std::size_t, std::size_t>> MainWindow::hitsAt(QPointF mapPoint) const
{
    std::vector<std::pair<std::size_t, std::size_t>> hits;
    const auto& layers = m_canvas->layers();
    const double tolerance = kIdentifyRadiusPx * m_canvas->view().mapUnitsPerPixel();
    const std::vector<std::size_t>& order = m_canvas->drawingOrder();
    for (auto top = order.rbegin(); top != order.rend(); ++top) {
        const std::size_t layer = *top;
        if (!layers[layer].visible)
            continue;
        const render::LayerSnapshot& snapshot = layers[layer].snapshot;
        const geo::GeometryStore& store = snapshot.layer->geometry;
        // Only the features whose envelopes come near (the layer's R-tree), topmost (drawn
        // later) first.
        std::vector<std::uint32_t> candidates;
        if (snapshot.index) {
            snapshot.index->query(geo::Envelope{mapPoint.x() - tolerance, mapPoint.y() - tolerance,
                                                mapPoint.x() + tolerance, mapPoint.y() + tolerance},
                                  candidates);
            std::sort(candidates.begin(), candidates.end(), std::greater<>());
        } else {
            for (std::size_t feature = store.featureCount(); feature-- > 0;)
                candidates.push_back(static_cast<std::uint32_t>(feature));
        }
        for (const std::uint32_t feature : candidates) {
            // A filled polygon is hit inside it (not near it: that would be its neighbour's
            // plot); an outline-only one on its outline; lines and points within the radius.
            bool hit = false;
            if (store.kind() != geo::GeometryKind::Polygon)
                hit =
                    render::featureContains(store, feature, mapPoint.x(), mapPoint.y(), tolerance);
            else if (showsFill(snapshot, feature))
                hit = render::featureContains(store, feature, mapPoint.x(), mapPoint.y(), 0);
            else
                hit = render::featureOutlineNear(store, feature, mapPoint.x(), mapPoint.y(),
                                                 tolerance);
            if (hit)
                hits.emplace_back(layer, feature);
        }
    }
    return hits;
}

void MainWindow::identifyAt(QPointF mapPoint, Qt::KeyboardModifiers modifiers)
{
    const auto hits = hitsAt(mapPoint);
    const auto& layers = m_canvas->layers();
    const QString crs = QString::fromStdString(m_canvas->crs().label());
    std::vector<IdentifyResult> results;
    for (const auto& [layerIndex, feature] : hits) {
        const render::LayerSnapshot& snapshot = layers[layerIndex].snapshot;
        const geo::Layer& layer = *snapshot.layer;
        IdentifyResult result;
        result.layerIndex = layerIndex;
        result.feature = feature;
        result.fid = layer.fids[feature];
        result.layerName = QString::fromStdString(layer.name);
        if (snapshot.role)
            result.roleName =
                QStringLiteral("%1 %2").arg(QString::fromUtf8(geo::chineseName(*snapshot.role)),
                                            QString::fromUtf8(geo::toString(*snapshot.role)));
        result.crsLabel = crs;
        // Contract fields by their names in the user's language; the source's name as tooltip.
        std::vector<std::string> contractOf(layer.attributes.fields().size());
        if (snapshot.role) {
            const std::vector<int> resolved =
                geo::resolveContractFields(*snapshot.role, layer.attributes);
            const auto& contract = geo::contractFields(*snapshot.role);
            for (std::size_t c = 0; c < contract.size() && c < resolved.size(); ++c)
                if (resolved[c] >= 0)
                    contractOf[static_cast<std::size_t>(resolved[c])] = contract[c].name;
        }
        for (std::size_t field = 0; field < layer.attributes.fields().size(); ++field) {
            const std::string& name = layer.attributes.fields()[field].name;
            result.attributes.emplace_back(
                contractOf[field].empty()
                    ? QString::fromStdString(name)
                    : uiName(geo::NameGroup::Field, contractOf[field],
                             geo::toString(*snapshot.role)),
                QString::fromStdString(layer.attributes.text(feature, static_cast<int>(field))));
            result.attributeSources.append(QString::fromStdString(name));
        }
        result.measurement = measureFeature(layer, feature);
        const QDate parkDate = parkDateOf(m_openSources);
        const PlotTimeline timeline = plotTimelineOf(
            layers, layerIndex, feature,
            parkDate.isValid() ? parkDate.toString(Qt::ISODate).toStdString() : std::string());
        result.hasTimeline = timeline.applies;
        result.timeline = timeline.steps;
        result.timelineProblem = QString::fromStdString(timeline.problem);
        results.push_back(std::move(result));
    }
    m_identifyPanel->setResults(std::move(results));

    // Select the topmost feature among the selection's target layers.
    const std::vector<std::size_t> targets = selectionTargets();
    std::optional<std::pair<std::size_t, std::size_t>> top;
    for (const auto& hit : hits)
        if (std::find(targets.begin(), targets.end(), hit.first) != targets.end()) {
            top = hit;
            break;
        }
    if (modifiers & Qt::ControlModifier) {
        if (top)
            m_selection->toggle(top->first, static_cast<std::uint32_t>(top->second));
        return;
    }
    if (top)
        m_selection->setSelection({{top->first, {static_cast<std::uint32_t>(top->second)}}});
    else
        m_selection->clear();
}

void MainWindow::selectInBox(const geo::Envelope& box, Qt::KeyboardModifiers modifiers)
{
    // On a worker (a box over a whole city's plots is a million exact tests), through each
    // layer's R-tree; the GUI thread only takes the result. A newer box replaces this one.
    const auto& layers = m_canvas->layers();
    std::vector<std::pair<std::size_t, render::LayerSnapshot>> targets;
    for (const std::size_t layer : selectionTargets())
        if (layers[layer].visible && !layers[layer].snapshot.isRaster())
            targets.emplace_back(layer, layers[layer].snapshot);
    std::map<std::size_t, FeatureSelection::Features> kept;
    if (modifiers & Qt::ControlModifier)
        kept = m_selection->layers();
    m_boxSelectWatcher.cancel();
    m_boxSelectWatcher.disconnect(this);
    connect(&m_boxSelectWatcher, &QFutureWatcher<BoxSelection>::finished, this, [this] {
        if (m_boxSelectWatcher.isCanceled() || m_boxSelectWatcher.future().resultCount() == 0)
            return;
        m_selection->setSelection(m_boxSelectWatcher.result());
    });
    m_boxSelectWatcher.setFuture(QtConcurrent::run([targets, kept, box]() -> BoxSelection {
        BoxSelection selected = kept;
        for (const auto& [layer, snapshot] : targets) {
            const std::vector<std::size_t> hits =
                render::featuresIntersecting(snapshot.layer->geometry, box, snapshot.index.get());
            FeatureSelection::Features& features = selected[layer];
            for (const std::size_t feature : hits)
                features.push_back(static_cast<std::uint32_t>(feature));
        }
        return selected;
    }));
}

double MainWindow::selectedAreaM2() const
{
    const auto& layers = m_canvas->layers();
    double total = 0;
    for (const auto& [layer, features] : m_selection->layers())
        if (layer < layers.size())
            total += totalEllipsoidalAreaM2(*layers[layer].snapshot.layer, features);
    return total;
}

void MainWindow::updateOverlay()
{
    std::vector<render::LayerSnapshot> overlay = m_changesPanel->overlay();
    for (render::LayerSnapshot& snapshot : m_auditPanel->overlay())
        overlay.push_back(std::move(snapshot));
    for (render::LayerSnapshot& snapshot : m_findingsPanel->overlay())
        overlay.push_back(std::move(snapshot));
    const auto& layers = m_canvas->layers();
    for (const auto& [layer, features] : m_selection->layers()) {
        if (layer >= layers.size())
            continue;
        const render::LayerSnapshot& source = layers[layer].snapshot;
        render::LayerSnapshot snapshot;
        snapshot.layer = source.layer;
        snapshot.role = source.role;
        snapshot.style = render::LayerStyle::selectionFor(source.layer->geometry.kind());
        snapshot.features = std::make_shared<const std::vector<std::uint32_t>>(features);
        overlay.push_back(std::move(snapshot));
    }
    m_canvas->setOverlayLayers(std::move(overlay));
}

void MainWindow::zoomTo(geo::Envelope envelope)
{
    if (envelope.isEmpty())
        return;
    const double margin = std::max(envelope.width(), envelope.height()) * 0.6 + 1;
    envelope.minX -= margin;
    envelope.maxX += margin;
    envelope.minY -= margin;
    envelope.maxY += margin;
    m_canvas->setExtent(envelope);
}

void MainWindow::onSelectionChanged()
{
    const auto& layers = m_canvas->layers();
    bool anyPolygon = false;
    for (const auto& [layer, features] : m_selection->layers())
        if (layer < layers.size())
            anyPolygon = anyPolygon || layers[layer].snapshot.layer->geometry.kind() ==
                                           geo::GeometryKind::Polygon;
    updateOverlay();
    if (m_attributePanel->currentLayer() >= 0)
        m_attributePanel->setSelectedFeatures(
            m_selection->features(static_cast<std::size_t>(m_attributePanel->currentLayer())));

    const auto count = static_cast<int>(m_selection->count());
    if (count == 0) {
        m_selectionLabel->setText(tr("No selection"));
        return;
    }
    QString text = tr("%n feature(s) selected", nullptr, count);
    if (anyPolygon)
        text = tr("%1, %2 mu")
                   .arg(text, QString::fromStdString(
                                  geo::formatForDisplay(geo::muFromM2(selectedAreaM2()))));
    m_selectionLabel->setText(text);
}

void MainWindow::showMeasurement()
{
    const bool measuring = m_canvas->tool() != MapCanvas::Tool::Identify;
    m_measureLabel->setVisible(measuring);
    if (measuring)
        m_measureLabel->setText(m_canvas->measureTool()->summary());
}

} // namespace parkatlas::desktop
