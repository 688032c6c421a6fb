#include "app/report/session_page.h"

#include "geo/rules/compliance.h"
#include "geo/session/park_session.h"

#include <vector>

namespace parkatlas::report {

render::PageRenderer sessionPage(geo::ParkSession& session,
                                 const std::shared_ptr<const geo::Park>& park,
                                 const render::PageLayout& layout,
                                 const render::RoleStyleBook& book,
                                 const render::ParkPageOptions& options,
                                 const geo::ProgressCallback& checkProgress, geo::IssueSink& issues)
{
    if (layout.table != render::PageTableKind::Findings || options.findings)
        return render::parkPage(park, layout, book, options, issues);
    geo::ComplianceOptions check;
    check.progress = checkProgress;
    const std::vector<geo::Finding> findings = session.check(check, issues).value.findings;
    render::ParkPageOptions withFindings = options;
    withFindings.findings = &findings;
    return render::parkPage(park, layout, book, withFindings, issues);
}

} // namespace parkatlas::report
