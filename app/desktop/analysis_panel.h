#pragma once

#include "app/desktop/translation.h"

#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/model/geometry_store.h"
#include "geo/progress.h"

#include <QFuture>
#include <QFutureWatcher>
#include <QPromise>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <exception>
#include <memory>
#include <utility>
#include <vector>

class QBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace parkatlas::geo {
class ParkSession;
}

namespace parkatlas::desktop {

/// What a panel's job reports as its progress: 0 to this.
constexpr int kAnalysisProgressSteps = 1000;

/// The progress callback of part [begin, begin + span] (fractions of the whole) of a panel's job:
/// moves the panel's bar, and answers false (stop) once the run is cancelled.
template <typename Run>
geo::ProgressCallback analysisProgress(QPromise<Run>& promise, double begin, double span)
{
    return [&promise, begin, span](double done) {
        promise.setProgressValue(
            static_cast<int>((begin + span * done) * kAnalysisProgressSteps));
        return !promise.isCanceled();
    };
}

/// Runs a panel's job on its worker: `work(run)` fills `run` and returns the data problems it met
/// (geo::Issue, those of the layers it read too); when it throws, `run.error` is the error in the
/// user's language and `issuesAfterError()` gives the problems met until then. Either way the
/// problems (notes left out, each once) are added to `run.issues` as the user reads them, and the
/// run is the job's one result; a cancelled run (geo::Cancelled) gives none. `Run` has
/// `QStringList issues` and `QString error`.
template <typename Run, typename Work, typename IssuesAfterError>
void runAnalysisJob(QPromise<Run>& promise, Work&& work, IssuesAfterError&& issuesAfterError)
{
    promise.setProgressRange(0, kAnalysisProgressSteps);
    std::vector<geo::Issue> issues;
    Run run;
    try {
        issues = work(run);
    } catch (const geo::Cancelled&) {
        return; // no result: the watcher sees a cancelled run
    } catch (const std::exception& error) {
        run.error = uiErrorText(error);
        issues = issuesAfterError();
    }
    for (const geo::Issue& issue : geo::distinctIssues(issues))
        if (issue.severity != geo::Issue::Severity::Note)
            run.issues.append(QString::fromStdString(geo::formatIssue(issue, uiLanguage())));
    promise.setProgressValue(kAnalysisProgressSteps);
    promise.addResult(std::move(run));
}

/// What the analysis panels share (plan check, audit, ledgers, changes): a row of controls with
/// Run, Cancel and the progress bar of the job it runs on a worker (and Export… for a panel that
/// exports), a one-line summary, the watchers of the job and of the export, and the messages a
/// run reports. A panel says how to start its job, what to say while it runs, how to show its
/// result and, if it exports, how to write it; it lays out its own controls and view.
///
/// The jobs hold no pointer to the panel: a panel closed or given another park cancels its job
/// and lets it finish on its own.
class AnalysisPanel : public QWidget {
    Q_OBJECT
public:
    ~AnalysisPanel() override;

    /// The park (its session, shared with the map and the other panels; null when none).
    std::shared_ptr<geo::ParkSession> session() const { return m_session; }
    /// The park as the window opened it (GeoPackage, folder or project file; "" when none).
    QString source() const { return m_source; }

    /// Starts a run on a worker (cancelling one still running). Returns at once.
    void run();
    void cancel();
    bool isRunning() const;

    /// Writes the result to `path` on a worker, in the format its suffix names (the panel's
    /// formats). exported() tells the outcome. Nothing happens without a result to export or
    /// while an export runs.
    void exportTo(const QString& path);

    /// Says `text` in the summary line (and as its tooltip: a long text is cut there).
    void showSummary(const QString& text);

signals:
    /// A run ended (finished, failed or cancelled).
    void runFinished();
    /// What the panel draws over the map changed (a panel that draws nothing never says so).
    void overlayChanged();
    /// Show at least this extent (map CRS).
    void zoomRequested(const geo::Envelope& extent);
    /// Data problems met by a run, and errors, for the messages panel.
    void messagesReported(const QStringList& messages);
    /// An export ended; `error` is empty on success.
    void exported(const QString& path, const QString& error);

protected:
    /// `exports`: the panel has an Export… button (exportDialog, canExport, startExport).
    AnalysisPanel(bool exports, QWidget* parent);

    /// Starts the job on a worker for session() and keeps its typed future to read the result
    /// from; returns it as QFuture<void> for the watcher. Called only when canRun().
    virtual QFuture<void> startJob() = 0;
    /// What the summary says while the job runs.
    virtual QString runningText() const = 0;
    /// The job ended with its result: show it, then call endRun().
    virtual void acceptResult() = 0;
    /// Forgets the result shown (another park was opened).
    virtual void clearResult() = 0;
    /// Whether there is a result to export.
    virtual bool canExport() const { return false; }
    /// Asks where to export (askSavePath) and calls exportTo().
    virtual void exportDialog() {}
    /// Writes the result to `path`, on a worker; the future's result is the error ("" on success).
    virtual QFuture<QString> startExport(const QString& path);
    /// Enables the controls for the state (running or not, a result or none); a panel with
    /// controls of its own extends it.
    virtual void updateButtons();
    /// Whether Run may start (a session is a given).
    virtual bool canRun() const { return true; }

    /// Takes the park of `session`: cancels a run, forgets the result (clearResult), and says
    /// "Open a park first." when there is none.
    void setSession(std::shared_ptr<geo::ParkSession> session);
    /// What a run reports to the messages panel: its first data problems, then the summary when
    /// the run `failed` (call it once the summary says so).
    QStringList runMessages(const QStringList& issues, bool failed) const;
    /// Ends a run that gave a result: the controls, `messages` (runMessages), the overlay and
    /// runFinished().
    void endRun(const QStringList& messages);
    /// Chooses `row` of `tree` without a signal of the tree's, redraws the overlay and asks for a
    /// zoom to `envelope` (none when empty).
    void showChosen(QTreeWidget* tree, QTreeWidgetItem* row, const geo::Envelope& envelope);

    /// The object names tests and the window find the controls by ("" for Export… when none).
    void nameControls(const QString& run, const QString& cancel, const QString& exportName,
                      const QString& progress, const QString& summary);
    /// The row of Run, Cancel, the progress bar (and Export… at its end): a panel inserts its own
    /// controls before Run.
    QBoxLayout* controlsLayout() const { return m_controls; }
    /// The controls row, then `besideSummary` and the summary in one row (2:3), then `view`:
    /// the layout of a panel that shares a dock with others and must stay short.
    QBoxLayout* arrange(QWidget* besideSummary, QWidget* view);
    QPushButton* runButton() const { return m_runButton; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* summaryLabel() const { return m_summary; }

private:
    void onJobFinished();

    QBoxLayout* m_controls;
    QPushButton* m_runButton;
    QPushButton* m_cancelButton;
    QPushButton* m_exportButton = nullptr;
    QProgressBar* m_progress;
    QLabel* m_summary;
    QFutureWatcher<void> m_watcher;
    QFutureWatcher<QString> m_exportWatcher;
    QString m_exportPath;
    QString m_source;
    std::shared_ptr<geo::ParkSession> m_session;
};

} // namespace parkatlas::desktop
