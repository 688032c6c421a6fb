#include "app/desktop/audit_panel.h"

#include "app/desktop/translation.h"

#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/model/park.h"
#include "geo/progress.h"
#include "geo/rules/audit.h"
#include "geo/session/park_session.h"

#include <QBoxLayout>
#include <QDate>
#include <QDateEdit>
#include <QLabel>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace parkatlas::desktop {

namespace {

/// The audit on the worker: reads parcels and buildings (30 % of the progress), then audits.
void runAuditJob(QPromise<FindingsRun>& promise, const std::shared_ptr<geo::ParkSession>& session,
                 const geo::Crs& mapCrs, geo::Date asOf)
{
    runAnalysisJob(
        promise,
        [&](FindingsRun& run) {
            // The job's issues come back with its result (see runComplianceJob).
            geo::NullIssueSink streamed;
            geo::AuditOptions options;
            options.asOf = asOf;
            const auto park = session->park({geo::Role::Parcels, geo::Role::Buildings}, streamed,
                                            analysisProgress(promise, 0.0, 0.3));
            options.progress = analysisProgress(promise, 0.3, 0.65);
            auto audited = session->audit(options, streamed);
            geo::AuditResult& result = audited.value;
            run = prepareFindings(std::move(result.findings), park->crs, mapCrs);
            for (const geo::Message& note : result.notRun)
                run.issues.append(AuditPanel::tr("Audit rule not run: %1")
                                      .arg(QString::fromStdString(
                                          geo::messageText(note, uiLanguage()))));
            return std::move(audited.issues);
        },
        [&] { return session->readIssues({geo::Role::Parcels, geo::Role::Buildings}); });
}

} // namespace

AuditPanel::AuditPanel(QWidget* parent) : FindingsPanel(parent), m_asOf(new QDateEdit(this))
{
    m_asOf->setObjectName(QStringLiteral("asOfEdit"));
    m_asOf->setCalendarPopup(true);
    m_asOf->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_asOf->setDate(QDate::currentDate());
    m_asOf->setToolTip(tr("The date the audit speaks for"));
    connect(m_asOf, &QDateEdit::dateChanged, this, [this] { m_asOfChosen = true; });
    auto* label = new QLabel(tr("As of"), this);
    label->setBuddy(m_asOf);
    controlsLayout()->insertWidget(0, label);
    controlsLayout()->insertWidget(1, m_asOf);
    setOverlayColour(QColor(235, 120, 0));
    setExportBaseName(QStringLiteral("audit"));
}

std::optional<QDate> AuditPanel::chosenAsOf() const
{
    return m_asOfChosen ? std::optional<QDate>(m_asOf->date()) : std::nullopt;
}

QFuture<FindingsRun> AuditPanel::startRun(std::shared_ptr<geo::ParkSession> session,
                                          const geo::Crs& mapCrs)
{
    const QDate date = m_asOf->date();
    const geo::Date asOf = geo::Date::fromYmd(date.year(), static_cast<unsigned>(date.month()),
                                              static_cast<unsigned>(date.day()));
    return QtConcurrent::run(runAuditJob, std::move(session), mapCrs, asOf);
}

} // namespace parkatlas::desktop
