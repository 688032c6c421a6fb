#include "app/desktop/editing_ui.h"

#include "app/desktop/attribute_form.h"
#include "app/desktop/feature_selection.h"
#include "app/desktop/findings_panel.h"
#include "app/desktop/layers_panel.h"
#include "app/desktop/main_window.h"
#include "app/desktop/map_canvas.h"
#include "geo/io/convert.h"
#include "geo/issue.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QToolBar>
#include <QtConcurrent/QtConcurrentRun>

#include <filesystem>

namespace parkatlas::desktop {

EditingUi::EditingUi(MainWindow* window, MapCanvas* canvas, FeatureSelection* selection,
                     FindingsPanel* findings, QMenu* menu, QToolBar* toolBar)
    : QObject(window), m_window(window), m_canvas(canvas), m_selection(selection),
      m_findings(findings), m_snapper(canvas),
      m_draw(new DrawTool(canvas, &m_snapper, this)),
      m_vertex(new VertexTool(canvas, &m_snapper, &m_controller, this))
{
    createActions(menu, toolBar);
    connect(m_draw, &DrawTool::finished, this, &EditingUi::onShapeFinished);
    connect(m_draw, &DrawTool::measureChanged, this, [this] {
        if (m_tool == Tool::Draw && !m_draw->points().empty())
            emit statusText(m_draw->measure()->summary());
    });
    connect(m_vertex, &VertexTool::refused, this, &EditingUi::say);
    connect(&m_controller, &EditController::layerChanged, this, &EditingUi::onLayerChanged);
    connect(&m_controller, &EditController::saveFinished, this, &EditingUi::onSaveFinished);
    connect(&m_controller, &EditController::storeChanged, this, &EditingUi::onStoreChanged);
    connect(&m_controller, &EditController::checkFinished, this,
            [this](std::int64_t fid, const FindingsRun& run) {
                const int row = m_controller.rowOf(fid);
                if (row < 0) {
                    // Undone or deleted while it was checked: its conflicts are no more.
                    emit checked(fid);
                    return;
                }
                QString name = fid < 0 ? tr("new feature") : tr("feature %1").arg(fid);
                if (row >= 0 && m_controller.currentLayer())
                    name = QStringLiteral("%1 %2").arg(
                        QString::fromStdString(m_controller.layerName()), name);
                m_findings->showRun(run, tr("Conflicts of %1").arg(name));
                if (auto* dock = qobject_cast<QDockWidget*>(m_findings->parentWidget())) {
                    dock->show();
                    dock->raise();
                }
                emit checked(fid);
            });
    // Every step that leaves a feature changed is checked at once.
    connect(m_controller.undoStack(), &QUndoStack::indexChanged, this, [this] {
        updateActions();
        const std::int64_t fid = m_controller.lastEdited();
        if (fid != 0 && m_controller.rowOf(fid) >= 0)
            m_controller.check(fid);
        // A shape the step took away (an undone drawing, a deletion) takes its conflicts along.
        if (m_controller.role())
            for (const std::int64_t touched : m_controller.lastTouched())
                if (m_controller.rowOf(touched) < 0)
                    m_findings->dropFindingsOf(
                        geo::toString(*m_controller.role()), touched,
                        tr("Conflicts of the edits (%1 is gone)")
                            .arg(touched < 0 ? tr("a new feature") : tr("feature %1").arg(touched)));
    });
    connect(m_window, &MainWindow::loadFinished, this, &EditingUi::onMapLoaded);
    updateActions();
}

EditingUi::~EditingUi()
{
    // The controller (a member) goes first and clears its undo stack: nothing here may answer.
    m_controller.undoStack()->disconnect(this);
    m_controller.disconnect(this);
}

void EditingUi::createActions(QMenu* menu, QToolBar* toolBar)
{
    m_editAction = menu->addAction(tr("&Edit Layer"));
    m_editAction->setObjectName(QStringLiteral("editLayerAction"));
    m_editAction->setCheckable(true);
    m_editAction->setShortcut(Qt::CTRL | Qt::Key_E);
    connect(m_editAction, &QAction::triggered, this, [this](bool on) {
        if (on)
            startEditing(-1);
        else
            stopEditing();
        updateActions();
    });
    m_saveAction = menu->addAction(tr("&Save Edits"), this, &EditingUi::save);
    m_saveAction->setObjectName(QStringLiteral("saveEditsAction"));
    m_saveAction->setShortcut(QKeySequence::Save);
    menu->addSeparator();
    m_undoAction = m_controller.undoStack()->createUndoAction(this, tr("&Undo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_redoAction = m_controller.undoStack()->createRedoAction(this, tr("&Redo"));
    m_redoAction->setShortcut(QKeySequence::Redo);
    menu->addAction(m_undoAction);
    menu->addAction(m_redoAction);
    menu->addSeparator();

    auto* tools = new QActionGroup(this);
    tools->setExclusionPolicy(QActionGroup::ExclusionPolicy::ExclusiveOptional);
    auto addTool = [&](const QString& text, const char* name, QKeySequence shortcut, Tool tool) {
        QAction* action = menu->addAction(text);
        action->setObjectName(QString::fromLatin1(name));
        action->setCheckable(true);
        action->setShortcut(shortcut);
        tools->addAction(action);
        connect(action, &QAction::triggered, this,
                [this, tool](bool on) { setTool(on ? tool : Tool::None); });
        return action;
    };
    m_drawAction = addTool(tr("&Add Feature"), "addFeatureAction", Qt::CTRL | Qt::Key_Period,
                           Tool::Draw);
    m_vertexAction =
        addTool(tr("&Vertex Tool"), "vertexToolAction", Qt::CTRL | Qt::Key_Comma, Tool::Vertex);
    m_splitAction = addTool(tr("S&plit Features"), "splitAction", {}, Tool::Split);
    m_mergeAction = menu->addAction(tr("&Merge Selected"), this, [this] {
        QString why;
        if (!m_controller.merge(selectedFids(), &why))
            say(why);
    });
    m_mergeAction->setObjectName(QStringLiteral("mergeAction"));
    m_deleteAction = menu->addAction(tr("&Delete Selected"), this, [this] {
        m_controller.deleteFeatures(selectedFids());
    });
    m_deleteAction->setObjectName(QStringLiteral("deleteFeaturesAction"));
    m_deleteAction->setShortcut(Qt::CTRL | Qt::Key_Delete);
    m_attributesAction = menu->addAction(tr("Edit A&ttributes…"), this, [this] {
        const auto fids = selectedFids();
        if (fids.size() == 1)
            editAttributes(fids.front());
        else
            say(tr("Select one feature of the edited layer."));
    });
    menu->addSeparator();
    m_snapAction = menu->addAction(tr("S&napping"));
    m_snapAction->setCheckable(true);
    m_snapAction->setChecked(true);
    connect(m_snapAction, &QAction::toggled, this, [this](bool on) { m_snapper.setEnabled(on); });
    m_traceAction = menu->addAction(tr("&Tracing"));
    m_traceAction->setCheckable(true);
    m_traceAction->setChecked(true);
    connect(m_traceAction, &QAction::toggled, this, [this](bool on) { m_draw->setTracing(on); });

    toolBar->addSeparator();
    for (QAction* action : {m_editAction, m_saveAction, m_undoAction, m_redoAction, m_drawAction,
                            m_vertexAction, m_splitAction, m_mergeAction, m_deleteAction,
                            m_snapAction, m_traceAction})
        toolBar->addAction(action);
    m_toleranceBox = new QSpinBox;
    m_toleranceBox->setObjectName(QStringLiteral("snapTolerance"));
    m_toleranceBox->setRange(1, 50);
    m_toleranceBox->setValue(static_cast<int>(m_snapper.tolerancePixels()));
    m_toleranceBox->setSuffix(tr(" px"));
    m_toleranceBox->setToolTip(tr("Snapping tolerance in screen pixels"));
    connect(m_toleranceBox, qOverload<int>(&QSpinBox::valueChanged), this,
            [this](int pixels) { m_snapper.setTolerancePixels(pixels); });
    toolBar->addWidget(m_toleranceBox);
}

void EditingUi::updateActions()
{
    const bool editing = m_controller.isEditing();
    m_editAction->setChecked(editing);
    const bool polygons = editing && m_controller.kind() == geo::GeometryKind::Polygon;
    for (QAction* action : {m_drawAction, m_vertexAction, m_deleteAction, m_attributesAction})
        action->setEnabled(editing);
    m_splitAction->setEnabled(polygons);
    m_mergeAction->setEnabled(polygons);
    m_saveAction->setEnabled(editing && m_controller.isDirty() && !m_controller.isSaving());
}

void EditingUi::say(const QString& text)
{
    if (!text.isEmpty())
        emit statusText(text);
}

QString EditingUi::startEditing(int index, bool quiet)
{
    if (index < 0)
        index = m_window->layersPanel()->pickedLayer();
    const auto& layers = m_canvas->layers();
    QString why;
    if (index < 0 || static_cast<std::size_t>(index) >= layers.size()) {
        why = tr("Pick the layer to edit in the Layers panel first.");
    } else {
        const render::LayerSnapshot& snapshot = layers[static_cast<std::size_t>(index)].snapshot;
        const std::string& path = snapshot.layer ? snapshot.layer->sourcePath : std::string();
        const std::string extension = std::filesystem::path(path).extension().string();
        const bool local = !path.empty() && path.rfind("PG:", 0) != 0 &&
                           path.rfind("postgres", 0) != 0;
        if (!snapshot.isRaster() && local && extension != ".gpkg" && extension != ".GPKG") {
            if (!quiet)
                offerGeoPackageCopy(index);
            return tr("%1 is not a GeoPackage: a GeoPackage copy is edited instead.")
                .arg(QString::fromStdString(path));
        }
        why = m_controller.start(snapshot.layer, m_window->roleOf(index), m_window->openedSources(),
                                 m_window->parkSession());
    }
    if (!why.isEmpty()) {
        if (!quiet)
            QMessageBox::information(m_window, tr("Editing"), why);
        updateActions();
        return why;
    }
    m_layerIndex = index;
    m_vertex->setLayerIndex(index);
    m_window->setEditedLayer(index);
    updateActions();
    emit editingChanged(true);
    say(tr("Editing %1: Add Feature (Ctrl+.) draws, the Vertex Tool (Ctrl+,) changes shapes.")
            .arg(QString::fromStdString(m_controller.layerName())));
    return {};
}

bool EditingUi::stopEditing(bool discard)
{
    if (!m_controller.isEditing())
        return true;
    if (m_controller.isDirty() && !discard) {
        const auto answer = QMessageBox::question(
            m_window, tr("Stop Editing"),
            tr("Save the edits of %1?").arg(QString::fromStdString(m_controller.layerName())),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
        if (answer == QMessageBox::Cancel) {
            updateActions();
            return false;
        }
        if (answer == QMessageBox::Save) {
            save();
            return false; // stops when the save succeeded (onSaveFinished)
        }
    }
    setTool(Tool::None);
    const bool restoreStored = m_controller.isDirty();
    m_controller.stop();
    m_layerIndex = -1;
    m_window->setEditedLayer(-1);
    if (restoreStored)
        m_window->reloadKeepingView(); // show the layer as stored again
    updateActions();
    emit editingChanged(false);
    return true;
}

void EditingUi::setTool(Tool tool)
{
    if (tool != Tool::None && !m_controller.isEditing())
        tool = Tool::None;
    m_tool = tool;
    m_drawAction->setChecked(tool == Tool::Draw);
    m_vertexAction->setChecked(tool == Tool::Vertex);
    m_splitAction->setChecked(tool == Tool::Split);
    switch (tool) {
    case Tool::None:
        m_canvas->setCanvasTool(nullptr);
        break;
    case Tool::Draw:
        m_draw->setMode(m_controller.kind() == geo::GeometryKind::Line ? DrawTool::Mode::Line
                                                                       : DrawTool::Mode::Polygon);
        m_canvas->setCanvasTool(m_draw);
        break;
    case Tool::Split:
        m_draw->setMode(DrawTool::Mode::SplitLine);
        m_canvas->setCanvasTool(m_draw);
        break;
    case Tool::Vertex:
        m_canvas->setCanvasTool(m_vertex);
        break;
    }
}

std::vector<std::int64_t> EditingUi::selectedFids() const
{
    std::vector<std::int64_t> fids;
    const auto& layer = m_controller.currentLayer();
    if (m_layerIndex < 0 || !layer)
        return fids;
    for (std::uint32_t row : m_selection->features(static_cast<std::size_t>(m_layerIndex)))
        if (row < layer->featureCount())
            fids.push_back(layer->fids[row]);
    return fids;
}

void EditingUi::onShapeFinished(const geo::EditGeometry& shape)
{
    if (m_draw->mode() == DrawTool::Mode::SplitLine) {
        const int split = m_controller.split(shape.lines.front(), selectedFids());
        say(split == 0 ? tr("The line does not cut a polygon through: nothing split.")
                       : tr("%n feature(s) split.", nullptr, split));
        return;
    }
    QString why;
    const std::int64_t fid = m_controller.addFeature(shape, {}, &why);
    if (fid == 0) {
        say(why);
        QMessageBox::warning(m_window, tr("Add Feature"), why);
        return;
    }
    const int row = m_controller.rowOf(fid);
    if (row >= 0)
        m_selection->setLayerSelection(static_cast<std::size_t>(m_layerIndex),
                                       {static_cast<std::uint32_t>(row)});
    editAttributes(fid, true);
}

void EditingUi::editAttributes(std::int64_t fid, bool newFeature)
{
    const auto& layer = m_controller.currentLayer();
    if (!layer || m_controller.rowOf(fid) < 0)
        return;
    if (m_form)
        m_form->close();
    m_form = new AttributeForm(layer->attributes, m_controller.role(), m_controller.valuesOf(fid),
                               m_window);
    m_form->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_form, &QDialog::accepted, this, [this, fid, form = m_form] {
        if (form)
            m_controller.changeValues(fid, form->values());
    });
    if (newFeature)
        // Esc, Cancel or closing the form of a feature just drawn takes the feature back.
        connect(m_form, &QDialog::rejected, this, [this, fid] {
            if (m_controller.discardAddedFeature(fid))
                say(tr("The new feature was removed (its attributes were cancelled)."));
        });
    m_form->open();
}

void EditingUi::onLayerChanged()
{
    if (m_layerIndex < 0 || !m_controller.currentLayer())
        return;
    m_window->replaceLayerData(m_layerIndex, m_controller.currentLayer());
    updateActions();
}

void EditingUi::save()
{
    if (!m_controller.isEditing() || !m_controller.isDirty())
        return;
    say(tr("Saving %1…").arg(QString::fromStdString(m_controller.layerName())));
    m_controller.save();
    updateActions();
}

void EditingUi::onSaveFinished(const SaveOutcome& outcome)
{
    updateActions();
    if (outcome.error.isEmpty()) {
        say(tr("Saved %1.").arg(QString::fromStdString(m_controller.layerName())));
        // Read the layer back as stored (new features get their ids) and go on editing it.
        reloadAndEditAgain(std::nullopt);
        emit saved({});
        return;
    }
    if (!outcome.conflict) {
        emit saved(outcome.error); // before the box: what waits on the save hears it now
        QMessageBox box(QMessageBox::Critical, tr("Save Edits"),
                        tr("Nothing was saved; your edits are kept.\n\n%1").arg(outcome.error),
                        QMessageBox::Ok, m_window);
        box.setObjectName(QStringLiteral("saveErrorBox"));
        box.exec();
        return;
    }
    // Someone else saved some of the same features: never overwrite silently.
    QMessageBox box(QMessageBox::Warning, tr("Save Edits"),
                    tr("Someone else saved %n of the features you changed since you began. "
                       "Nothing was saved.",
                       nullptr, static_cast<int>(outcome.conflictFids.size())),
                    QMessageBox::NoButton, m_window);
    box.setObjectName(QStringLiteral("saveConflictBox"));
    box.setInformativeText(outcome.error);
    QPushButton* mine = box.addButton(tr("Overwrite with Mine"), QMessageBox::DestructiveRole);
    mine->setObjectName(QStringLiteral("overwriteButton"));
    QPushButton* theirs = box.addButton(tr("Keep Theirs"), QMessageBox::AcceptRole);
    theirs->setObjectName(QStringLiteral("keepTheirsButton"));
    QPushButton* cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(cancel);
    box.exec();
    if (box.clickedButton() == mine) {
        m_controller.save(true);
    } else if (box.clickedButton() == theirs) {
        m_controller.dropEdits(outcome.conflictFids);
        if (m_controller.isDirty() && !m_controller.changes().empty())
            m_controller.save();
        else
            emit saved(outcome.error);
    } else {
        emit saved(outcome.error);
    }
    updateActions();
}

void EditingUi::onStoreChanged()
{
    if (m_askingAboutStore || !m_controller.isEditing())
        return;
    m_askingAboutStore = true;
    QMessageBox box(QMessageBox::Warning, tr("Changed on Disk"),
                    tr("%1 was changed by someone else while you edit it.")
                        .arg(QString::fromStdString(m_controller.store())),
                    QMessageBox::NoButton, m_window);
    box.setObjectName(QStringLiteral("storeChangedBox"));
    box.setInformativeText(tr("Reload shows their changes and puts your unsaved edits back on "
                              "top; a feature both of you changed is put to you when you save. "
                              "Keep Editing leaves the map as it is."));
    QPushButton* reload = box.addButton(tr("Reload"), QMessageBox::AcceptRole);
    reload->setObjectName(QStringLiteral("reloadButton"));
    box.addButton(tr("Keep Editing"), QMessageBox::RejectRole);
    box.exec();
    m_askingAboutStore = false;
    m_controller.acknowledgeStoreChange();
    if (box.clickedButton() != reload)
        return;
    geo::EditJournal journal;
    journal.store = m_controller.store();
    journal.layer = m_controller.layerName();
    journal.changes = m_controller.changes();
    reloadAndEditAgain(std::move(journal));
}

void EditingUi::reloadAndEditAgain(std::optional<geo::EditJournal> restore)
{
    m_startAfterLoad = QString::fromStdString(m_controller.layerName());
    m_restoreAfterLoad = std::move(restore);
    m_controller.undoStack()->setClean();
    m_controller.stop();
    m_layerIndex = -1;
    m_window->setEditedLayer(-1);
    setTool(Tool::None);
    m_window->reloadKeepingView();
}

void EditingUi::parkChanged()
{
    m_controller.setPark(m_window->parkSession());
}

void EditingUi::onMapLoaded()
{
    if (m_controller.isEditing()) {
        // The map was read again under the editor (sources added, opened again): edit the same
        // layer of the new map, with the unsaved edits put back. If it is not there any more,
        // the journal stays on disk and is offered at the next start.
        const bool dirty = m_controller.isDirty();
        geo::EditJournal journal;
        journal.store = m_controller.store();
        journal.layer = m_controller.layerName();
        journal.changes = m_controller.changes();
        for (const QString& source : m_controller.journalSources())
            journal.sources.push_back(source.toStdString());
        m_controller.undoStack()->setClean();
        m_controller.stop();
        m_layerIndex = -1;
        setTool(Tool::None);
        m_startAfterLoad = QString::fromStdString(journal.layer);
        if (dirty)
            m_restoreAfterLoad = std::move(journal);
    }
    if (!m_startAfterLoad)
        return;
    const QString name = *m_startAfterLoad;
    m_startAfterLoad.reset();
    const int index = m_window->layerIndex(name);
    if (index < 0) {
        say(tr("Layer %1 is not on the map any more.").arg(name));
        if (m_restoreAfterLoad) {
            // Unsaved edits of a layer no longer shown: back on disk, offered at the next start.
            try {
                QDir().mkpath(EditController::journalDirectory());
                geo::writeJournal(EditController::journalPathFor(m_restoreAfterLoad->store,
                                                                 m_restoreAfterLoad->layer)
                                      .toStdString(),
                                  *m_restoreAfterLoad);
            } catch (const std::exception& error) {
                say(QString::fromStdString(error.what()));
            }
        }
        m_restoreAfterLoad.reset();
        return;
    }
    const QString why = startEditing(index, true);
    if (!why.isEmpty()) {
        say(why);
        m_restoreAfterLoad.reset();
        return;
    }
    if (m_restoreAfterLoad) {
        const geo::EditJournal journal = std::move(*m_restoreAfterLoad);
        m_restoreAfterLoad.reset();
        const QString problem = m_controller.restore(journal);
        if (problem.isEmpty() && !m_recovering.isEmpty())
            QFile::remove(m_recovering);
        m_recovering.clear();
        say(problem.isEmpty() ? tr("%n unsaved change(s) put back.", nullptr,
                                   static_cast<int>(journal.changes.size()))
                              : problem);
    }
}

QString EditingUi::copiedSourceOf(int index) const
{
    // A folder park: the whole folder (every role), else the one file.
    const auto& snapshot = m_canvas->layers()[static_cast<std::size_t>(index)].snapshot;
    const QString source = QString::fromStdString(snapshot.layer->sourcePath);
    for (const QString& open : m_window->openedSources())
        if (QFileInfo(open).isDir() &&
            QFileInfo(source).absoluteFilePath().startsWith(QFileInfo(open).absoluteFilePath() +
                                                            QLatin1Char('/')))
            return open;
    return source;
}

void EditingUi::offerGeoPackageCopy(int index)
{
    const auto& snapshot = m_canvas->layers()[static_cast<std::size_t>(index)].snapshot;
    const QString source = QString::fromStdString(snapshot.layer->sourcePath);
    const QFileInfo info(source);
    const QString what = copiedSourceOf(index);
    const auto answer = QMessageBox::question(
        m_window, tr("Edit a Copy"),
        tr("%1 is a %2 file: edits are saved safely only in a GeoPackage (one transaction, "
           "nothing half written). Save a GeoPackage copy of %3 and edit that? The original "
           "is not changed.")
            .arg(info.fileName(), info.suffix(), QFileInfo(what).fileName()));
    if (answer != QMessageBox::Yes)
        return;
    const QString suggested = QFileInfo(what).absolutePath() + QLatin1Char('/') +
                              QFileInfo(what).completeBaseName() + QStringLiteral(".gpkg");
    const QString destination = QFileDialog::getSaveFileName(
        m_window, tr("GeoPackage Copy"), suggested, tr("GeoPackage (*.gpkg)"));
    if (destination.isEmpty())
        return;
    editCopy(index, destination);
}

void EditingUi::editCopy(int index, const QString& destination)
{
    const auto& snapshot = m_canvas->layers()[static_cast<std::size_t>(index)].snapshot;
    const QString what = copiedSourceOf(index);
    say(tr("Copying %1 into %2…").arg(what, destination));
    const QString layerName = QString::fromStdString(snapshot.layer->name);
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this,
            [this, watcher, destination, layerName, what] {
                watcher->deleteLater();
                const QString error = watcher->result();
                if (!error.isEmpty()) {
                    QMessageBox::critical(m_window, tr("GeoPackage Copy"), error);
                    return;
                }
                QStringList sources = m_window->openedSources();
                const qsizetype at = sources.indexOf(what);
                if (at >= 0)
                    sources.replace(at, destination);
                else
                    sources.prepend(destination);
                m_startAfterLoad = layerName;
                m_window->openSources(sources);
            });
    watcher->setFuture(QtConcurrent::run([from = what.toStdString(),
                                          to = destination.toStdString()]() -> QString {
        try {
            geo::IssueList issues;
            geo::ConvertOptions options;
            options.overwrite = true;
            geo::convertSource(from, to, options, issues);
            return {};
        } catch (const std::exception& error) {
            return QString::fromStdString(error.what());
        }
    }));
}

void EditingUi::offerRecovery()
{
    for (const QString& path : EditController::pendingJournals()) {
        geo::EditJournal journal;
        try {
            journal = geo::readJournal(path.toStdString());
        } catch (const std::exception& error) {
            say(QString::fromStdString(error.what()));
            continue;
        }
        QMessageBox box(QMessageBox::Question, tr("Recover Edits"),
                        tr("ParkAtlas stopped with %n unsaved change(s) to layer %1 of %2 "
                           "(last edit %3). Recover them?",
                           nullptr, static_cast<int>(journal.changes.size()))
                            .arg(QString::fromStdString(journal.layer),
                                 QString::fromStdString(journal.store),
                                 QString::fromStdString(journal.written)),
                        QMessageBox::NoButton, m_window);
        box.setObjectName(QStringLiteral("recoverBox"));
        QPushButton* recoverButton = box.addButton(tr("Recover"), QMessageBox::AcceptRole);
        recoverButton->setObjectName(QStringLiteral("recoverButton"));
        QPushButton* discard = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
        discard->setObjectName(QStringLiteral("discardButton"));
        box.addButton(tr("Later"), QMessageBox::RejectRole);
        box.exec();
        if (box.clickedButton() == recoverButton) {
            const QString problem = recover(path);
            if (!problem.isEmpty())
                QMessageBox::warning(m_window, tr("Recover Edits"), problem);
            return; // one at a time: the map shows one park
        }
        if (box.clickedButton() == discard)
            QFile::remove(path);
    }
}

QString EditingUi::recover(const QString& journalPath)
{
    geo::EditJournal journal;
    try {
        journal = geo::readJournal(journalPath.toStdString());
    } catch (const std::exception& error) {
        return QString::fromStdString(error.what());
    }
    QStringList sources;
    for (const std::string& source : journal.sources)
        sources.append(QString::fromStdString(source));
    if (sources.isEmpty())
        sources.append(QString::fromStdString(journal.store));
    if (m_controller.isEditing() && !stopEditing())
        return tr("Editing of %1 goes on.").arg(QString::fromStdString(m_controller.layerName()));
    // Out of the way of the session that replays it (which writes its own journal); removed
    // once replayed, offered again if this start crashes too.
    m_recovering = journalPath.endsWith(QLatin1String(".recovering"))
                       ? journalPath
                       : journalPath.left(journalPath.size() - 5) + QStringLiteral(".recovering");
    if (m_recovering != journalPath) {
        QFile::remove(m_recovering);
        QFile::rename(journalPath, m_recovering);
    }
    m_startAfterLoad = QString::fromStdString(journal.layer);
    m_restoreAfterLoad = std::move(journal);
    m_window->openSources(sources);
    return {};
}

bool EditingUi::maybeClose()
{
    if (!m_controller.isEditing() || !m_controller.isDirty())
        return true;
    return stopEditing();
}

} // namespace parkatlas::desktop
