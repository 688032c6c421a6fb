#pragma once

#include "geo/progress.h"

#include <QDate>
#include <QFutureWatcher>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class QWidget;

namespace parkatlas::geo {
class ParkSession;
}

namespace parkatlas::desktop {

/// What writing a committee pack gave.
struct ReportOutcome {
    QString error; // empty: the pack is complete in its folder
    QStringList contents;
    QStringList leftOut;
    /// What reading the park and writing the pack said: layers left out, broken features, the
    /// rules' warnings (at most a few hundred lines).
    QStringList warnings;
    bool cancelled = false;
};

/// File > Export Report…: the committee pack of a park (report::writeCommitteePack: the template
/// maps as PDF, the ledgers, the findings and the audit) written on a worker into a new folder,
/// which replaces an existing full folder only when asked to. Lives on the GUI thread, which
/// never waits for it.
class ReportExporter : public QObject {
    Q_OBJECT
public:
    explicit ReportExporter(QObject* parent = nullptr);
    ~ReportExporter() override;

    /// Starts writing the pack of `parkSource` into `folder`, its idle-land audit as of `asOf`;
    /// finished() follows. Does nothing while a pack is being written.
    void start(const QString& parkSource, const QString& folder, bool replace, const QDate& asOf);
    /// The same on the window's session of the park (its layers read once, its rules).
    void start(std::shared_ptr<geo::ParkSession> session, const QString& folder, bool replace,
               const QDate& asOf);
    void cancel();
    bool isRunning() const { return m_watcher.isRunning(); }

    /// Asks for a folder (proposing "<park>_委员会材料" in the park's folder), whether to replace
    /// it when it is full, then starts; shows the outcome in a message box. The audit is as of
    /// `asOf` (the audit panel's date); nullopt asks for the date first.
    static void exportInteractively(QWidget* parent, std::shared_ptr<geo::ParkSession> session,
                                    std::optional<QDate> asOf);
    /// Asks the date the pack's idle-land audit speaks for (a dialog with a date field, today
    /// proposed); nullopt when cancelled.
    static std::optional<QDate> askAuditDate(QWidget* parent);

signals:
    void progressed(double share);
    void finished(const QString& folder, const parkatlas::desktop::ReportOutcome& outcome);

private:
    /// On `session`, else on a session opened on `parkSource` (on the worker).
    void start(std::shared_ptr<geo::ParkSession> session, const QString& parkSource,
               const QString& folder, bool replace, const QDate& asOf);

    QFutureWatcher<ReportOutcome> m_watcher;
    geo::CancelFlag m_cancel;
    QString m_folder;
};

} // namespace parkatlas::desktop

Q_DECLARE_METATYPE(parkatlas::desktop::ReportOutcome)
