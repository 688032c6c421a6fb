// MainWindow: finding places: the locator (the Find box), bookmarks, a ledger row on the map.
#include "app/desktop/main_window.h"

#include "app/desktop/bookmarks_dialog.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/ledger_locator.h"
#include "app/desktop/ledger_panel.h"
#include "app/desktop/locator_query.h"
#include "app/desktop/map_canvas.h"
#include "geo/ascii.h"
#include "geo/crs/transform.h"

#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

namespace parkatlas::desktop {

namespace {

/// The contract fields the locator searches, by role.
const std::map<geo::Role, std::vector<std::string>>& locatorFields()
{
    static const std::map<geo::Role, std::vector<std::string>> fields = {
        {geo::Role::Parcels, {"parcel_id", "owner"}},
        {geo::Role::Acquisition, {"batch_id", "name", "village"}},
        {geo::Role::IdleLand, {"case_id", "parcel_id"}},
        {geo::Role::PlanZones, {"zone_id"}},
        {geo::Role::Roads, {"name", "lot"}},
        {geo::Role::Pipelines, {"lot"}},
        {geo::Role::Facilities, {"kind"}},
        {geo::Role::Expansion, {"name"}},
        {geo::Role::Boundary, {"name"}}};
    return fields;
}

} // namespace

std::vector<LocatableLayer> MainWindow::locatableLayers() const
{
    std::vector<LocatableLayer> layers;
    const auto& canvasLayers = m_canvas->layers();
    for (std::size_t i = 0; i < canvasLayers.size(); ++i) {
        const render::LayerSnapshot& snapshot = canvasLayers[i].snapshot;
        const std::optional<geo::Role> role = roleOf(static_cast<int>(i));
        if (snapshot.isRaster() || !role)
            continue;
        LocatableLayer layer{i, snapshot.layer, *role, {}};
        if (const auto it = m_projectLayers.find(snapshot.layer.get()); it != m_projectLayers.end())
            layer.fieldMap = it->second.binding.fieldMap;
        layers.push_back(std::move(layer));
    }
    return layers;
}

void MainWindow::locate(const QString& text)
{
    const QString query = text.trimmed();
    if (query.isEmpty())
        return;
    // Coordinates: two numbers, in the map CRS or in degrees (parseLocatorCoordinates).
    const geo::Crs& crs = m_canvas->crs();
    if (const auto typed = parseLocatorCoordinates(query, !crs.isEmpty())) {
        double xy[2] = {typed->x, typed->y};
        if (typed->degrees && crs.isProjected()) {
            try {
                geo::Transform(crs.geographic(), crs).forward(xy, 1);
            } catch (const std::exception& error) {
                statusBar()->showMessage(QString::fromStdString(error.what()), 8000);
                emit locateFinished(0);
                return;
            }
        }
        const double halfM = (!crs.isEmpty() && crs.isGeographic()) ? 0.002 : 150;
        m_canvas->setExtent({xy[0] - halfM, xy[1] - halfM, xy[0] + halfM, xy[1] + halfM});
        identifyAt(QPointF(xy[0], xy[1]));
        statusBar()->showMessage(tr("Shown: %1, %2").arg(xy[0], 0, 'f', 2).arg(xy[1], 0, 'f', 2),
                                 8000);
        emit locateFinished(static_cast<int>(m_selection->count()));
        return;
    }
    // Text: the searched contract fields of every layer with a role, on a worker.
    struct Target {
        std::size_t index;
        std::shared_ptr<const geo::Layer> layer;
        std::vector<int> fields;
    };
    std::vector<Target> targets;
    for (const LocatableLayer& layer : locatableLayers()) {
        const auto wanted = locatorFields().find(layer.role);
        if (wanted == locatorFields().end())
            continue;
        const std::vector<int> resolved =
            geo::resolveContractFields(layer.role, layer.layer->attributes, layer.fieldMap);
        const auto& contract = geo::contractFields(layer.role);
        Target target{layer.index, layer.layer, {}};
        for (std::size_t c = 0; c < contract.size() && c < resolved.size(); ++c)
            if (resolved[c] >= 0 &&
                std::find(wanted->second.begin(), wanted->second.end(), contract[c].name) !=
                    wanted->second.end())
                target.fields.push_back(resolved[c]);
        if (!target.fields.empty())
            targets.push_back(std::move(target));
    }
    m_locateWatcher.cancel();
    m_locateWatcher.disconnect(this);
    connect(&m_locateWatcher, &QFutureWatcher<BoxSelection>::finished, this, [this, query] {
        if (m_locateWatcher.isCanceled() || m_locateWatcher.future().resultCount() == 0)
            return;
        const BoxSelection found = m_locateWatcher.result();
        geo::Envelope extent;
        std::size_t count = 0;
        const auto& now = m_canvas->layers();
        for (const auto& [layer, features] : found)
            for (const std::uint32_t feature : features) {
                if (layer >= now.size())
                    continue;
                const geo::Envelope envelope = now[layer].snapshot.layer->geometry.envelope(feature);
                if (count++ == 0)
                    extent = envelope;
                else
                    extent.expand(envelope);
            }
        if (count == 0) {
            statusBar()->showMessage(tr("Nothing found for “%1”").arg(query), 8000);
            emit locateFinished(0);
            return;
        }
        m_selection->setSelection(found);
        zoomTo(extent);
        statusBar()->showMessage(tr("%n found for “%1”", nullptr, static_cast<int>(count)).arg(query),
                                 8000);
        emit locateFinished(static_cast<int>(count));
    });
    m_locateWatcher.setFuture(QtConcurrent::run([targets, query] {
        // Exact values first; only when none is exact, the values containing the text. Latin
        // letters in either case (ql2019-037 finds QL2019-037).
        const std::string needle = geo::lowerAscii(query.toStdString());
        BoxSelection exact;
        BoxSelection containing;
        for (const Target& target : targets) {
            const geo::AttributeTable& attributes = target.layer->attributes;
            for (std::size_t feature = 0; feature < target.layer->featureCount(); ++feature)
                for (const int field : target.fields) {
                    if (attributes.isUnknown(feature, field))
                        continue;
                    const std::string value = geo::lowerAscii(attributes.text(feature, field));
                    if (value == needle) {
                        exact[target.index].push_back(static_cast<std::uint32_t>(feature));
                        break;
                    }
                    if (value.find(needle) != std::string::npos) {
                        containing[target.index].push_back(static_cast<std::uint32_t>(feature));
                        break;
                    }
                }
        }
        return exact.empty() ? containing : exact;
    }));
}

void MainWindow::showBookmarks()
{
    if (!m_bookmarksDialog) {
        // A park without a project file gets one (its layers as they are) at the first bookmark.
        auto makeProject = [this](std::function<void(const QString&)> done) {
            saveProjectFile({},
                            [this, done](bool saved) { done(saved ? m_projectPath : QString()); });
        };
        m_bookmarksDialog = new BookmarksDialog(m_canvas, m_projectPath, makeProject, this);
        connect(this, &MainWindow::loadFinished, m_bookmarksDialog,
                [this] { m_bookmarksDialog->setProjectPath(m_projectPath); });
    }
    m_bookmarksDialog->show();
    m_bookmarksDialog->raise();
    m_bookmarksDialog->activateWindow();
}

BookmarksDialog* MainWindow::bookmarksDialog() const
{
    return m_bookmarksDialog.data();
}

void MainWindow::showLedgerRow(int row)
{
    const geo::LedgerTable* table = m_ledgerPanel->model()->table();
    if (!table || row < 0)
        return;
    LedgerRowFeatures found = ledgerRowFeatures(*table, static_cast<std::size_t>(row),
                                                m_ledgerPanel->shownKind(), locatableLayers());
    if (found.features.empty()) {
        m_ledgerPanel->showSummary(found.problem);
        return;
    }
    std::size_t count = 0;
    for (const auto& [layer, features] : found.features)
        count += features.size();
    m_selection->setSelection(std::move(found.features));
    zoomTo(found.extent);
    m_ledgerPanel->showSummary(tr("%n feature(s) on the map", nullptr, static_cast<int>(count)));
}

} // namespace parkatlas::desktop
