// MainWindow: what each layer is (role, field mapping, CRS), the project file those choices are
// saved in, and the park session the analyses read through it.
#include "app/desktop/main_window.h"

#include "app/desktop/attribute_table_panel.h"
#include "app/desktop/audit_panel.h"
#include "app/desktop/changes_panel.h"
#include "app/desktop/crs_dialog.h"
#include "app/desktop/editing_ui.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/field_mapping_dialog.h"
#include "app/desktop/findings_panel.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/ledger_panel.h"
#include "app/desktop/map_canvas.h"
#include "geo/crs/gauss_kruger.h"
#include "geo/session/park_session.h"

#include <QFileInfo>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>
#include <QTimer>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>

namespace parkatlas::desktop {

std::optional<geo::Role> MainWindow::roleOf(int index) const
{
    const auto& layers = m_canvas->layers();
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size())
        return std::nullopt;
    const auto& snapshot = layers[static_cast<std::size_t>(index)].snapshot;
    if (const auto it = m_projectLayers.find(snapshot.layer.get()); it != m_projectLayers.end())
        return it->second.binding.role;
    return snapshot.role;
}

void MainWindow::replaceLayerData(int index, std::shared_ptr<const geo::Layer> layer)
{
    const auto& layers = m_canvas->layers();
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size() || !layer)
        return;
    const geo::Layer* old = layers[static_cast<std::size_t>(index)].snapshot.layer.get();
    ProjectLayer entry;
    if (const auto it = m_projectLayers.find(old); it != m_projectLayers.end()) {
        entry = it->second;
        m_projectLayers.erase(it);
    } else {
        entry.ref = {layer->sourcePath, layer->name};
        entry.binding.role = layers[static_cast<std::size_t>(index)].snapshot.role;
    }
    const render::RoleStyleBook fallbackBook;
    const render::RoleStyleBook& book = m_styleBook ? *m_styleBook : fallbackBook;
    render::LayerSnapshot snapshot = book.snapshotFor(layer, entry.binding.role,
                                                      entry.binding.fieldMap,
                                                      static_cast<std::size_t>(index),
                                                      entry.binding.classification);
    snapshot.index = std::make_shared<const geo::EnvelopeIndex>(
        layer->geometry, [](std::size_t) { return true; });
    m_projectLayers[layer.get()] = std::move(entry);
    m_selection->setLayerSelection(static_cast<std::size_t>(index), {});
    m_layersPanel->updateLayer(index, snapshot);
    m_canvas->replaceLayer(static_cast<std::size_t>(index), std::move(snapshot));
    std::vector<std::shared_ptr<const geo::Layer>> all;
    for (const auto& canvasLayer : m_canvas->layers())
        all.push_back(canvasLayer.snapshot.layer);
    m_attributePanel->setLayers(all);
}

void MainWindow::editFieldMapping(int index)
{
    const auto& layers = m_canvas->layers();
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size() ||
        layers[index].snapshot.isRaster())
        return;
    const std::shared_ptr<const geo::Layer> layer = layers[index].snapshot.layer;
    render::RoleBinding current;
    if (const auto it = m_projectLayers.find(layer.get()); it != m_projectLayers.end())
        current = it->second.binding;
    auto* dialog = new FieldMappingDialog(*layer, current, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, layer] {
        // The layer may have moved or gone since the dialog opened: find it again.
        const auto& now = m_canvas->layers();
        for (std::size_t i = 0; i < now.size(); ++i)
            if (now[i].snapshot.layer == layer)
                applyFieldMapping(static_cast<int>(i), dialog->binding());
    });
    dialog->open();
}

void MainWindow::applyFieldMapping(int index, const render::RoleBinding& binding)
{
    const auto& layers = m_canvas->layers();
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size())
        return;
    const std::shared_ptr<const geo::Layer> layer = layers[index].snapshot.layer;
    ProjectLayer& entry = m_projectLayers[layer.get()];
    if (entry.ref.datasetPath.empty())
        entry.ref = {layer->sourcePath, layer->name};
    entry.binding = binding;

    // Restyled by the new role: one attribute read a feature, as when the map was loaded.
    const render::RoleStyleBook fallbackBook;
    const render::RoleStyleBook& book = m_styleBook ? *m_styleBook : fallbackBook;
    render::LayerSnapshot snapshot =
        book.snapshotFor(layer, binding.role, binding.fieldMap, static_cast<std::size_t>(index),
                         binding.classification);
    m_layersPanel->updateLayer(index, snapshot);
    m_canvas->replaceLayer(static_cast<std::size_t>(index), std::move(snapshot));

    // Saved in the project file, on a worker (write-then-rename).
    saveProjectFile({});
}

void MainWindow::saveProjectFile(const std::vector<ProjectLayer>& extra,
                                 const std::function<void(bool)>& then)
{
    if (m_projectPath.isEmpty())
        m_projectPath = projectPathFor(m_loadingSources);
    if (m_projectPath.isEmpty()) {
        emit projectSaved({}, tr("the source is not a local file, so there is no folder to "
                                 "keep a project file in"));
        if (then)
            then(false);
        return;
    }
    std::vector<ProjectLayer> entries;
    for (const auto& canvasLayer : m_canvas->layers())
        if (const auto it = m_projectLayers.find(canvasLayer.snapshot.layer.get());
            it != m_projectLayers.end())
            entries.push_back(it->second);
    for (const ProjectLayer& layer : extra) {
        const auto same = std::find_if(entries.begin(), entries.end(), [&](const ProjectLayer& e) {
            return sameLayer(e.ref, layer.ref);
        });
        if (same != entries.end())
            *same = layer;
        else
            entries.push_back(layer);
    }
    const QFileInfo project(m_projectPath);
    // A project's own name is kept; a new one is named after its file.
    const std::string name = project.exists()
                                 ? std::string()
                                 : project.fileName().section(QLatin1Char('.'), 0, 0).toStdString();
    const std::string crs = m_canvas->crs().isEmpty() ? std::string() : m_canvas->crs().label();
    const geo::ParkDefinition definition = projectDefinition(name, crs, entries);
    const QString path = m_projectPath;
    // The park's session takes the saved project as its definition (on the worker: it reads
    // the file back), so the new mapping reaches every analysis without reading a layer again.
    auto session = std::make_shared<std::shared_ptr<geo::ParkSession>>(m_parkSession);
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this,
            [this, watcher, path, then, session] {
                const QString error = watcher->result();
                watcher->deleteLater();
                if (error.isEmpty() && path == m_projectPath) {
                    m_parkSession = *session;
                    useProjectForAnalyses();
                }
                emit projectSaved(path, error);
                if (then)
                    then(error.isEmpty());
            });
    watcher->setFuture(QtConcurrent::run([definition, path, session]() -> QString {
        try {
            geo::saveProject(definition, path.toStdString());
        } catch (const std::exception& error) {
            return QString::fromStdString(error.what());
        }
        try {
            geo::ParkDefinition saved = geo::discoverPark(path.toStdString());
            if (*session)
                (*session)->redefine(std::move(saved));
            else
                *session = std::make_shared<geo::ParkSession>(std::move(saved));
        } catch (const std::exception&) {
            // Just written, so readable; should it not be, the analyses keep the park as it was.
        }
        return {};
    }));
}

void MainWindow::setAnalysisSession(std::shared_ptr<geo::ParkSession> session)
{
    m_parkSession = std::move(session);
    m_findingsPanel->setSource(m_parkSession, m_canvas->crs());
    m_auditPanel->setSource(m_parkSession, m_canvas->crs());
    m_ledgerPanel->setSource(m_parkSession);
    m_changesPanel->setSource(m_parkSession, m_canvas->crs());
}

void MainWindow::useProjectForAnalyses()
{
    if (m_projectPath.isEmpty())
        return;
    // What had results runs again on the park as the project now describes it.
    const bool check = m_findingsPanel->hasResults();
    const bool audit = m_auditPanel->hasResults();
    const bool ledger = m_ledgerPanel->ledger() != nullptr;
    setAnalysisSession(m_parkSession);
    if (check)
        m_findingsPanel->run();
    if (audit)
        m_auditPanel->run();
    if (ledger)
        m_ledgerPanel->run();
    // The edit check reads the park when editing starts: a session on now restarts its park.
    m_editing->parkChanged();
}

CrsDialog* MainWindow::crsDialog() const
{
    return m_crsDialog.data();
}

void MainWindow::askForNextCrs()
{
    if (m_crsDialog || m_crsQueue.empty())
        return;
    const CrsNeeded layer = m_crsQueue.front();
    m_crsQueue.erase(m_crsQueue.begin());
    const QString name = QString::fromStdString(
        layer.ref.layerName.empty() ? layer.ref.datasetPath : layer.ref.layerName);
    showCrsDialog(layer, name, {});
}

void MainWindow::editLayerCrs(int index)
{
    const auto& layers = m_canvas->layers();
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size() ||
        layers[static_cast<std::size_t>(index)].snapshot.isRaster())
        return;
    const std::shared_ptr<const geo::Layer> layer = layers[static_cast<std::size_t>(index)].snapshot.layer;
    CrsNeeded request;
    request.ref = {layer->sourcePath, layer->name};
    if (const auto it = m_projectLayers.find(layer.get()); it != m_projectLayers.end()) {
        request.ref = it->second.ref;
        request.open = it->second.open;
        request.binding = it->second.binding;
    } else {
        request.binding = render::RoleBinding{roleOf(index), {}, {}};
    }
    // Raw coordinates (no layer of the map has a CRS) may still name their zone.
    if (layer->crs.isEmpty() && m_canvas->crs().isEmpty())
        request.proposal = geo::proposeZoneFromExtent(layer->geometry.extent());
    const QString current = layer->crs.isEmpty() ? QString()
                                                 : QString::fromStdString(layer->crs.label());
    showCrsDialog(request, QString::fromStdString(layer->name), current);
}

void MainWindow::showCrsDialog(const CrsNeeded& layer, const QString& layerName,
                               const QString& current)
{
    if (m_crsDialog)
        m_crsDialog->close();
    auto* dialog = new CrsDialog(layerName, layer.proposal, QString::fromStdString(layer.hint),
                                 current, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_crsDialog = dialog;
    connect(dialog, &QDialog::finished, this, [this, dialog, layer, layerName](int result) {
        const QString definition = dialog->crsDefinition();
        if (result != QDialog::Accepted || definition.isEmpty()) {
            QTimer::singleShot(0, this, &MainWindow::askForNextCrs);
            return;
        }
        ProjectLayer chosen;
        chosen.ref = layer.ref;
        chosen.open = layer.open;
        chosen.open.sourceSrs = definition.toStdString();
        chosen.binding = layer.binding ? *layer.binding : render::RoleBinding{};
        if (!chosen.binding.role)
            chosen.binding.role = geo::roleFromLayerName(
                std::filesystem::path(layer.ref.layerName.empty() ? layer.ref.datasetPath
                                                                   : layer.ref.layerName)
                    .stem()
                    .string());
        m_sessionOverrides.push_back(chosen);
        statusBar()->showMessage(tr("%1 is read as %2").arg(layerName, definition),
                                 5000);
        // Saved first, then read again: the reload finds the project as saved.
        const QStringList sources = m_openSources;
        saveProjectFile({chosen}, [this, sources](bool) {
            if (m_openSources == sources)
                startLoad(sources, true);
        });
    });
    dialog->open();
}

} // namespace parkatlas::desktop
