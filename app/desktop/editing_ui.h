#pragma once

#include "app/desktop/attribute_form.h"
#include "app/desktop/edit_controller.h"
#include "app/desktop/edit_tools.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

class QAction;
class QActionGroup;
class QMenu;
class QSpinBox;
class QToolBar;

namespace parkatlas::desktop {

class FeatureSelection;
class FindingsPanel;
class MainWindow;
class MapCanvas;

/// Editing in the viewer (the Edit menu and toolbar): start editing the layer picked in the
/// Layers panel (a shapefile gets a GeoPackage copy first), draw polygons and lines with
/// snapping and tracing, change vertices, split, merge and delete, fill the attribute form;
/// the area in mu follows the cursor while drawing, and a finished or changed shape is checked
/// against the plan at once (the Plan Check panel shows its findings). Undo/Redo, Save (one
/// transaction; a conflict with someone else's save is put to the user), the crash journal and
/// its recovery on the next start, and a store changed on disk by someone else.
class EditingUi : public QObject {
    Q_OBJECT
public:
    EditingUi(MainWindow* window, MapCanvas* canvas, FeatureSelection* selection,
              FindingsPanel* findings, QMenu* menu, QToolBar* toolBar);
    ~EditingUi() override;

    EditController* controller() { return &m_controller; }
    /// The park's project file changed (a field mapping, a CRS): the conflict check reads the
    /// park anew through it.
    void parkChanged();
    DrawTool* drawTool() const { return m_draw; }
    VertexTool* vertexTool() const { return m_vertex; }
    Snapper* snapper() { return &m_snapper; }
    /// The canvas layer index of the edited layer (-1: not editing).
    int layerIndex() const { return m_layerIndex; }

    /// Starts editing canvas layer `index` (the picked one by default). A shapefile or other
    /// file is offered a GeoPackage copy first. Returns "" or why not (also shown to the user
    /// unless `quiet`).
    QString startEditing(int index, bool quiet = false);
    /// Ends editing; with unsaved edits, asks Save / Discard / Cancel unless `discard`. Returns
    /// false when the user cancelled.
    bool stopEditing(bool discard = false);
    enum class Tool { None, Draw, Vertex, Split };
    void setTool(Tool tool);
    Tool tool() const { return m_tool; }

    /// The attribute form open for a feature, or null.
    AttributeForm* attributeForm() const { return m_form; }
    /// Opens the attribute form of `fid` (non-modal); OK applies it as one step. For a feature
    /// just drawn (`newFeature`), Esc or Cancel removes the feature (discardAddedFeature).
    void editAttributes(std::int64_t fid, bool newFeature = false);
    /// The selected features of the edited layer, as fids.
    std::vector<std::int64_t> selectedFids() const;
    /// Saves; the outcome is shown (a conflict asks what to do).
    void save();

    /// Copies what canvas layer `index` comes from (its folder, when the map is a folder of
    /// shapefiles) into the GeoPackage `destination` on a worker, opens the copy in its place
    /// and starts editing the same layer there. The original files are not changed.
    void editCopy(int index, const QString& destination);

    /// Asks, for each journal a crashed session left, whether to recover it (modal). Called at
    /// start-up.
    void offerRecovery();
    /// Opens the journal's sources and replays its edits once they are loaded.
    QString recover(const QString& journalPath);
    /// Whether the window may close (asks about unsaved edits).
    bool maybeClose();

signals:
    /// Text for the status bar: the live figures while drawing, what an edit did.
    void statusText(const QString& text);
    /// Editing started or stopped.
    void editingChanged(bool editing);
    /// A save ended (`error` empty on success).
    void saved(const QString& error);
    /// The conflict check of a feature finished and the Plan Check panel shows it.
    void checked(std::int64_t fid);

private:
    void createActions(QMenu* menu, QToolBar* toolBar);
    void updateActions();
    void onShapeFinished(const geo::EditGeometry& shape);
    void onLayerChanged();
    void onSaveFinished(const SaveOutcome& outcome);
    void onStoreChanged();
    void onMapLoaded();
    void offerGeoPackageCopy(int index);
    /// Ends this session, reads the map again and edits the same layer of it, with `restore`'s
    /// edits put back on top when given.
    void reloadAndEditAgain(std::optional<geo::EditJournal> restore);
    /// What editCopy() copies for canvas layer `index`.
    QString copiedSourceOf(int index) const;
    void say(const QString& text);

    MainWindow* m_window;
    MapCanvas* m_canvas;
    FeatureSelection* m_selection;
    FindingsPanel* m_findings;
    EditController m_controller;
    Snapper m_snapper;
    DrawTool* m_draw;
    VertexTool* m_vertex;
    Tool m_tool = Tool::None;
    int m_layerIndex = -1;
    QPointer<AttributeForm> m_form;
    bool m_askingAboutStore = false;
    // Work to do when the map the window is loading is there: start editing a layer by name
    // (after a save or a GeoPackage copy), then replay a journal.
    std::optional<QString> m_startAfterLoad;
    std::optional<geo::EditJournal> m_restoreAfterLoad;
    QString m_recovering; // the journal being replayed, renamed while it is

    QAction* m_editAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
    QAction* m_drawAction = nullptr;
    QAction* m_vertexAction = nullptr;
    QAction* m_splitAction = nullptr;
    QAction* m_mergeAction = nullptr;
    QAction* m_deleteAction = nullptr;
    QAction* m_attributesAction = nullptr;
    QAction* m_snapAction = nullptr;
    QAction* m_traceAction = nullptr;
    QSpinBox* m_toleranceBox = nullptr;
};

} // namespace parkatlas::desktop
