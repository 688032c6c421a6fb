#pragma once

#include "app/render/page_layout.h"
#include "geo/model/geometry_store.h"
#include "geo/model/park.h"
#include "geo/progress.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QImage>
#include <QString>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace parkatlas::geo {
class ParkSession;
}

namespace parkatlas::desktop {

/// What a worker of the dialog gives back: a preview image or the outcome of an export.
struct PageJobResult {
    QImage image;
    QString error;     // empty: it went well
    QStringList notes; // warnings of the page (legend or table cut short …)
    bool cancelled = false;
};

/// File > Export Map…: a page layout (template, title, organisation, paper, orientation,
/// scale, the current view or the whole park, grid, resolution) with a live preview, written
/// to PDF, SVG or PNG.
///
/// The park is read once, on a worker, the first time it is needed. Every change restarts the
/// preview after a short pause: the page is laid out and drawn small on a worker, the running
/// one is cancelled, and the label shows the last finished image meanwhile. The export also
/// runs on a worker; the GUI thread never reads, measures or draws the park.
class ExportMapDialog : public QDialog {
    Q_OBJECT
public:
    /// `parkSource` as the window opened it (GeoPackage, folder or project file); `view` the
    /// canvas's visible extent in the park's CRS (empty: none).
    ExportMapDialog(const QString& parkSource, const geo::Envelope& view,
                    QWidget* parent = nullptr);
    /// On the window's session of the park: its layers are read once for the map, the panels
    /// and this dialog, and the findings page checks with the project's rules.
    ExportMapDialog(std::shared_ptr<geo::ParkSession> session, const geo::Envelope& view,
                    QWidget* parent = nullptr);
    ~ExportMapDialog() override;

    /// The layout the widgets describe.
    render::PageLayout layout() const;

    QComboBox* templateBox() const { return m_template; }
    QLineEdit* titleEdit() const { return m_title; }
    QLineEdit* organisationEdit() const { return m_organisation; }
    QComboBox* paperBox() const { return m_paper; }
    QComboBox* orientationBox() const { return m_orientation; }
    QSpinBox* scaleSpin() const { return m_scale; }
    QSpinBox* dpiSpin() const { return m_dpi; }
    QCheckBox* currentViewBox() const { return m_currentView; }
    QLabel* previewLabel() const { return m_preview; }
    /// The last finished preview (null before the first).
    const QImage& previewImage() const { return m_previewImage; }

    /// What the last preview or export said about the data, shown under the preview: layers
    /// left out, broken features, the rules' and the page's warnings.
    const QStringList& warnings() const { return m_notes; }

    /// Writes the page to `path` (.pdf, .svg or .png) on a worker; exportFinished() follows.
    void exportTo(const QString& path);

signals:
    void previewReady();
    /// `error` empty when the file was written.
    void exportFinished(const QString& path, const QString& error);

private:
    void applyTemplate();
    void schedulePreview();
    void startPreview();
    void onPreviewFinished();
    void chooseFileAndExport();

    QString m_source;
    geo::Envelope m_view;
    QComboBox* m_template;
    QLineEdit* m_title;
    QLineEdit* m_subtitle;
    QLineEdit* m_organisation;
    QComboBox* m_paper;
    QComboBox* m_orientation;
    QSpinBox* m_scale;
    QSpinBox* m_dpi;
    QCheckBox* m_currentView;
    QCheckBox* m_grid;
    QLabel* m_preview;
    QLabel* m_status;
    QPushButton* m_exportButton;
    QTimer* m_previewTimer;
    render::PageLayout m_templateLayout;

public:
    struct ParkCache; // shared with the workers: the park, read once

private:
    std::shared_ptr<ParkCache> m_parkCache;
    geo::CancelFlag m_previewCancel;
    QFutureWatcher<PageJobResult> m_previewWatcher;
    QFutureWatcher<PageJobResult> m_exportWatcher;
    QString m_exportPath;
    QImage m_previewImage;
    QStringList m_notes;
    bool m_previewPending = false;
};

} // namespace parkatlas::desktop
