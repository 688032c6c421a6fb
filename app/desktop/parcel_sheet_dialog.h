#pragma once

#include "app/render/parcel_sheet.h"
#include "geo/model/role.h"
#include "geo/progress.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QImage>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTimer;

namespace parkatlas::geo {
class ParkSession;
}

namespace parkatlas::desktop {

class MainWindow;

/// What a worker of the dialog gives back: a preview page, or how a save went.
struct SheetJobResult {
    QImage image;
    int pages = 0;        // the previewed sheet's pages
    std::size_t written = 0; // pages written by a save
    QString error;        // empty: it went well
    QStringList notes;    // plots not found, the sheet's geometry problems
    bool cancelled = false;
};

/// Parcel Sheet… (宗地图…): the sheet's options (template, title, paper, organisation, date,
/// scale) with a live preview of the page `parkatlas sheet` draws (render::ParcelSheetBook:
/// the dialog only drives it), and Save PDF: the sheets of every chosen plot in one PDF (an
/// atlas), written under a temporary name and renamed when complete, with a progress bar and
/// Cancel.
///
/// The park is read (the plots' layer and the roads) once, on a worker, through the window's
/// session; the preview and the save run on workers too, and the GUI thread never reads,
/// measures or draws the park.
class ParcelSheetDialog : public QDialog {
    Q_OBJECT
public:
    /// The sheets of the plots with source FIDs `fids` in the `role` layer of `session`'s park.
    ParcelSheetDialog(std::shared_ptr<geo::ParkSession> session, geo::Role role,
                      std::vector<std::int64_t> fids, QWidget* parent = nullptr);
    ~ParcelSheetDialog() override;

    /// The options the widgets describe (a template's, with the widgets' values over it).
    render::ParcelSheetOptions options() const;

    QComboBox* templateBox() const { return m_template; }
    QLineEdit* titleEdit() const { return m_title; }
    QComboBox* paperBox() const { return m_paper; }
    QLineEdit* organisationEdit() const { return m_organisation; }
    QLineEdit* dateEdit() const { return m_date; }
    QSpinBox* scaleSpin() const { return m_scale; }
    /// Which chosen plot, and which of its pages, the preview shows.
    QComboBox* plotBox() const { return m_plot; }
    QSpinBox* pageSpin() const { return m_page; }
    QLabel* previewLabel() const { return m_preview; }
    QProgressBar* progressBar() const { return m_progress; }
    QPushButton* saveButton() const { return m_saveButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }
    /// The last finished preview (null before the first).
    const QImage& previewImage() const { return m_previewImage; }
    /// The plots (source FIDs) the sheets are for.
    const std::vector<std::int64_t>& fids() const { return m_fids; }
    bool isSaving() const { return m_saveWatcher.isRunning(); }

    /// Writes every plot's sheets to `path` on a worker; saveFinished() follows.
    void saveTo(const QString& path);
    /// Stops a save: nothing is written.
    void cancelSave();

signals:
    void previewReady();
    /// `error` empty when the file was written; `cancelled` when the user stopped it.
    void saveFinished(const QString& path, const QString& error, bool cancelled);

public:
    struct BookCache; // the park and the plots' rows, read once, shared with the workers

private:
    void applyTemplate();
    void schedulePreview();
    void startPreview();
    void onPreviewFinished();
    void onSaveFinished();
    void chooseFileAndSave();

    std::vector<std::int64_t> m_fids;
    QComboBox* m_template;
    QLineEdit* m_title;
    QComboBox* m_paper;
    QLineEdit* m_organisation;
    QLineEdit* m_date;
    QSpinBox* m_scale;
    QComboBox* m_plot;
    QSpinBox* m_page;
    QLabel* m_preview;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_saveButton;
    QPushButton* m_cancelButton;
    QTimer* m_previewTimer;
    QTimer* m_progressTimer;
    render::PageLayout m_templateLayout;
    std::shared_ptr<BookCache> m_cache;
    geo::CancelFlag m_previewCancel;
    geo::CancelFlag m_saveCancel;
    std::shared_ptr<std::atomic<int>> m_saveProgress; // per mille
    QFutureWatcher<SheetJobResult> m_previewWatcher;
    QFutureWatcher<SheetJobResult> m_saveWatcher;
    QString m_savePath;
    QImage m_previewImage;
    bool m_previewPending = false;
};

/// Hooks Parcel Sheet… into the viewer: an action in `menu` for the selected plots, and the
/// canvas's context menu (right-click a plot with the Identify tool: the plot, or the
/// selection it is in). Lives as long as the window.
class ParcelSheetLauncher : public QObject {
    Q_OBJECT
public:
    ParcelSheetLauncher(MainWindow* window, QMenu* menu);

    /// The context menu for a right-click at `canvasPosition` (canvas widget pixels): null when
    /// there is no plot there or another tool has the mouse. Selects the plot unless it is
    /// selected already. The caller owns the menu.
    QMenu* contextMenuAt(QPoint canvasPosition);
    /// Opens the dialog on the selected plots of the first polygon layer of the selection
    /// that has a role in the park; false (and nothing opens) when there is none.
    bool openForSelection();
    QAction* action() const { return m_action; }
    /// The dialog opened last (null once it is closed).
    ParcelSheetDialog* dialog() const { return m_dialog; }

private:
    /// The canvas layer and the features the selection gives sheets for (-1: none).
    std::pair<int, std::vector<std::uint32_t>> selectedPlots() const;
    void open(int layer, const std::vector<std::uint32_t>& features);
    void updateAction();

    MainWindow* m_window;
    QAction* m_action;
    QPointer<ParcelSheetDialog> m_dialog;
};

} // namespace parkatlas::desktop
