#pragma once

#include "app/render/park_page.h"

#include "geo/io/source.h"

#include <memory>

namespace parkatlas::geo {
class IssueSink;
class ParkSession;
} // namespace parkatlas::geo

namespace parkatlas::render {
class RoleStyleBook;
}

namespace parkatlas::report {

/// render::parkPage for a park read through `session`: a findings page whose options carry no
/// findings gets those of the plan check, run on the session (the park's, with its project
/// file's rules) with `checkProgress` (false cancels: geo::Cancelled). Other pages are drawn as
/// they are. Blocking (it may run the check): call it on a worker.
render::PageRenderer
sessionPage(geo::ParkSession& session, const std::shared_ptr<const geo::Park>& park,
            const render::PageLayout& layout, const render::RoleStyleBook& book,
            const render::ParkPageOptions& options, const geo::ProgressCallback& checkProgress,
            geo::IssueSink& issues);

} // namespace parkatlas::report
