// EditController: the conflict check of the feature being edited against the plan and the
// park, on a worker, with the park read once through the window's session.
#include "app/desktop/edit_controller.h"

#include "app/desktop/translation.h"
#include "geo/crs/transform.h"
#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/model/park.h"
#include "geo/progress.h"
#include "geo/rules/compliance.h"
#include "geo/rules/feature_check.h"
#include "geo/session/park_session.h"

#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace parkatlas::desktop {

struct CheckPark {
    std::shared_ptr<const geo::Park> park;
    geo::ComplianceSettings settings;
    QString error;
    QStringList issues;
};

void EditController::check(std::int64_t fid)
{
    if (!isEditing() || !m_role || rowOf(fid) < 0)
        return;
    // One check at a time: the latest request waits for the running one.
    if (m_checkWatcher.isRunning()) {
        m_queuedCheck = fid;
        return;
    }
    m_queuedCheck = 0;
    m_checkFid = fid;
    geo::CheckedFeature feature;
    feature.role = *m_role;
    feature.fid = fid;
    const geo::EditGeometry geometry = geometryOf(fid);
    for (const auto& [name, value] : valuesOf(fid))
        feature.values[name] = value;
    for (const auto& [pendingFid, pending] : m_pending)
        if (pending.deleted && pendingFid >= 0)
            feature.removedFids.push_back(pendingFid);
    m_checkWatcher.setFuture(QtConcurrent::run(
        [parkFuture = m_checkPark, feature = std::move(feature), geometry,
         mapCrs = m_base->crs](QPromise<FindingsRun>& promise) mutable {
            FindingsRun run;
            const std::shared_ptr<const CheckPark> loaded = parkFuture.result();
            run.issues = loaded->issues;
            if (!loaded->park) {
                run.error = loaded->error;
                promise.addResult(std::move(run));
                return;
            }
            const geo::Park& park = *loaded->park;
            geo::IssueList issues;
            try {
                geo::ComplianceOptions options;
                options.settings = loaded->settings;
                options.threads = 1;
                options.progress = [&promise](double) { return !promise.isCanceled(); };
                geo::EditGeometry inParkCrs = geometry;
                if (!mapCrs.isEmpty() && !park.crs.isEmpty() && !mapCrs.isSameAs(park.crs)) {
                    const geo::Transform transform(mapCrs, park.crs);
                    auto move = [&](std::vector<geo::EditPoint>& points) {
                        std::vector<double> xy;
                        for (const geo::EditPoint& p : points) {
                            xy.push_back(p.x);
                            xy.push_back(p.y);
                        }
                        transform.forward(xy.data(), points.size());
                        for (std::size_t i = 0; i < points.size(); ++i)
                            points[i] = {xy[2 * i], xy[2 * i + 1]};
                    };
                    for (geo::EditPolygon& polygon : inParkCrs.polygons)
                        for (geo::EditRing& ring : polygon.rings)
                            move(ring);
                    for (auto& line : inParkCrs.lines)
                        move(line);
                }
                feature.geometryWkb = inParkCrs.toWkb(inParkCrs.polygons.size() > 1 ||
                                                      inParkCrs.lines.size() > 1);
                geo::ComplianceResult result = geo::checkFeature(park, feature, options, issues);
                run = prepareFindings(std::move(result.findings), park.crs, mapCrs);
            } catch (const geo::Cancelled&) {
                return;
            } catch (const std::exception& error) {
                run.error = QString::fromStdString(error.what());
            }
            for (const geo::Issue& issue : geo::distinctIssues(issues.issues()))
                if (issue.severity == geo::Issue::Severity::Error)
                    run.issues.append(
                        QString::fromStdString(geo::formatIssue(issue, uiLanguage())));
            promise.addResult(std::move(run));
        }));
}

void EditController::setPark(std::shared_ptr<geo::ParkSession> park)
{
    m_park = std::move(park);
    if (isEditing())
        loadCheckPark();
}

void EditController::loadCheckPark()
{
    m_checkPark = QtConcurrent::run([session = m_park] {
        auto loaded = std::make_shared<CheckPark>();
        if (!session) {
            loaded->error = EditController::tr("No park is open: the conflict check needs one.");
            return std::shared_ptr<const CheckPark>(loaded);
        }
        // The window's session: the park as the map and the panels have it (its mapping, its
        // rules), every layer read once for all of them.
        geo::NullIssueSink kept; // the session keeps them: readIssues
        try {
            loaded->settings = session->complianceSettings(kept);
            loaded->park = session->park({}, kept);
        } catch (const std::exception& error) {
            loaded->error = QString::fromStdString(error.what());
        }
        for (const geo::Issue& issue : geo::distinctIssues(session->readIssues({})))
            if (issue.severity == geo::Issue::Severity::Error)
                loaded->issues.append(
                    QString::fromStdString(geo::formatIssue(issue, uiLanguage())));
        return std::shared_ptr<const CheckPark>(loaded);
    });
}

} // namespace parkatlas::desktop
