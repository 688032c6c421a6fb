#include "app/desktop/report_exporter.h"

#include "app/desktop/translation.h"

#include "app/report/committee_pack.h"

#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/model/park.h"
#include "geo/progress.h"
#include "geo/session/park_session.h"

#include <QDate>
#include <QDateEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMetaObject>
#include <QPointer>
#include <QProgressDialog>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace parkatlas::desktop {

ReportExporter::ReportExporter(QObject* parent)
    : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<ReportOutcome>::finished, this,
            [this] { emit finished(m_folder, m_watcher.result()); });
}

ReportExporter::~ReportExporter()
{
    m_cancel.cancel();
}

void ReportExporter::cancel()
{
    m_cancel.cancel();
}

void ReportExporter::start(const QString& parkSource, const QString& folder, bool replace,
                           const QDate& asOf)
{
    start(std::shared_ptr<geo::ParkSession>(), parkSource, folder, replace, asOf);
}

void ReportExporter::start(std::shared_ptr<geo::ParkSession> session, const QString& folder,
                           bool replace, const QDate& asOf)
{
    const QString source =
        session ? QString::fromStdString(session->definition().source) : QString();
    start(std::move(session), source, folder, replace, asOf);
}

void ReportExporter::start(std::shared_ptr<geo::ParkSession> session, const QString& parkSource,
                           const QString& folder, bool replace, const QDate& asOf)
{
    if (m_watcher.isRunning())
        return;
    m_folder = folder;
    m_cancel = geo::CancelFlag();
    QPointer<ReportExporter> self(this);
    m_watcher.setFuture(QtConcurrent::run([session, source = parkSource.toStdString(),
                                           out = folder.toStdString(), replace, asOf,
                                           cancel = m_cancel, self]() mutable -> ReportOutcome {
        ReportOutcome outcome;
        try {
            if (!session)
                session = geo::ParkSession::open(source);
            // Every layer (read once for the session; the panels may have read some), and what
            // reading them said, whichever job read them.
            geo::NullIssueSink kept; // the session keeps them: readIssues
            session->park({}, kept);
            geo::IssueList issues;
            for (geo::Issue& issue : session->readIssues({}))
                issues.report(std::move(issue));
            report::CommitteePackOptions options;
            options.asOf = geo::Date::fromYmd(asOf.year(), static_cast<unsigned>(asOf.month()),
                                              static_cast<unsigned>(asOf.day()));
            options.replace = replace;
            options.source = QFileInfo(QString::fromStdString(source)).fileName().toStdString();
            options.progress = [cancel, self](double done) {
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, done] {
                        if (self)
                            emit self->progressed(done);
                    },
                    Qt::QueuedConnection);
                return !cancel.isCancelled();
            };
            const report::CommitteePackResult result =
                report::writeCommitteePack(*session, out, options, issues);
            for (const std::string& line : result.contents)
                outcome.contents.append(QString::fromStdString(line));
            for (const std::string& line : result.leftOut)
                outcome.leftOut.append(QString::fromStdString(line));
            constexpr int kMaxWarnings = 300;
            int more = 0;
            for (const geo::Issue& issue : geo::distinctIssues(issues.issues())) {
                if (issue.severity == geo::Issue::Severity::Note)
                    continue;
                if (outcome.warnings.size() < kMaxWarnings)
                    outcome.warnings.append(
                        QString::fromStdString(geo::formatIssue(issue, uiLanguage())));
                else
                    ++more;
            }
            if (more > 0)
                outcome.warnings.append(tr("… and %1 more").arg(more));
        } catch (const geo::Cancelled&) {
            outcome.cancelled = true;
            outcome.error = tr("The report was cancelled; nothing was written.");
        } catch (const std::exception& failure) {
            outcome.error = QString::fromStdString(failure.what());
        }
        return outcome;
    }));
}

std::optional<QDate> ReportExporter::askAuditDate(QWidget* parent)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(tr("Export Report"));
    auto* layout = new QVBoxLayout(&dialog);
    auto* label = new QLabel(tr("The pack holds the idle-land audit (闲置土地认定). As of which "
                                "date? (No date was set in the Idle Land Audit panel.)"),
                             &dialog);
    label->setWordWrap(true);
    layout->addWidget(label);
    auto* date = new QDateEdit(QDate::currentDate(), &dialog);
    date->setObjectName(QStringLiteral("reportAsOfEdit"));
    date->setCalendarPopup(true);
    date->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    layout->addWidget(date);
    auto* buttons =
        new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, Qt::Horizontal, &dialog);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return date->date();
}

void ReportExporter::exportInteractively(QWidget* parent, std::shared_ptr<geo::ParkSession> session,
                                         std::optional<QDate> asOf)
{
    if (!session)
        return;
    const QString parkSource = QString::fromStdString(session->definition().source);
    if (!asOf)
        asOf = askAuditDate(parent);
    if (!asOf)
        return;
    const QFileInfo park(parkSource);
    const QString proposed = park.absoluteDir().filePath(
        park.completeBaseName() +
        tr("_committee_pack_%1").arg(QDate::currentDate().toString(QStringLiteral("yyyyMMdd"))));
    const QString folder = QFileDialog::getSaveFileName(
        parent, tr("Export Report: the folder of the committee pack"), proposed, QString(), nullptr,
        QFileDialog::ShowDirsOnly | QFileDialog::DontConfirmOverwrite);
    if (folder.isEmpty())
        return;
    bool replace = false;
    if (!report::isFreeForPack(folder.toStdString())) {
        if (QMessageBox::question(parent, tr("Export Report"),
                                  tr("%1 exists and is not empty. Replace it with the new pack? "
                                     "(It is removed only once the new pack is complete.)")
                                      .arg(QDir::toNativeSeparators(folder))) != QMessageBox::Yes)
            return;
        replace = true;
    }
    auto* exporter = new ReportExporter(parent);
    auto* progress =
        new QProgressDialog(tr("Writing the committee pack…"), tr("Cancel"), 0, 1000, parent);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(0);
    connect(exporter, &ReportExporter::progressed, progress,
            [progress](double share) { progress->setValue(static_cast<int>(share * 1000)); });
    connect(progress, &QProgressDialog::canceled, exporter, &ReportExporter::cancel);
    connect(exporter, &ReportExporter::finished, parent,
            [parent, exporter, progress](const QString& out, const ReportOutcome& outcome) {
                progress->deleteLater();
                exporter->deleteLater();
                if (!outcome.error.isEmpty()) {
                    QMessageBox::warning(parent, tr("Export Report"), outcome.error);
                    return;
                }
                QString text = tr("Wrote the committee pack to %1:\n\n%2")
                                   .arg(QDir::toNativeSeparators(out),
                                        outcome.contents.join(QLatin1Char('\n')));
                if (!outcome.leftOut.isEmpty())
                    text += tr("\n\nLeft out:\n%1").arg(outcome.leftOut.join(QLatin1Char('\n')));
                if (outcome.warnings.isEmpty()) {
                    QMessageBox::information(parent, tr("Export Report"), text);
                    return;
                }
                // Layers left out and broken features are said, never dropped silently.
                QMessageBox box(QMessageBox::Warning, tr("Export Report"), text, QMessageBox::Ok,
                                parent);
                box.setInformativeText(
                    tr("%n warning(s) about the data; the first: %1", nullptr,
                       static_cast<int>(outcome.warnings.size()))
                        .arg(outcome.warnings.front()));
                box.setDetailedText(outcome.warnings.join(QLatin1Char('\n')));
                box.exec();
            });
    exporter->start(std::move(session), folder, replace, *asOf);
}

} // namespace parkatlas::desktop
