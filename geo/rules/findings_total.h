#pragma once

#include "geo/crs/crs.h"
#include "geo/measure/area.h"
#include "geo/rules/finding.h"

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace parkatlas::geo {

class FindingSource;

/// What a list of findings adds up to: how many, how many features, and the 亩 of the land they
/// concern counted once. The one place every table, panel and page takes a findings total from.
struct FindingsTotal {
    std::size_t findings = 0;    // findings in the list
    std::size_t features = 0;    // distinct features among them (layer and fid)
    std::size_t withArea = 0;    // findings with an area of their own
    std::size_t withoutArea = 0; // findings that concern no area (lines, points, ids)
    /// The area of the union of the parts the findings concern, in mu: a plot flagged by three
    /// rules counts once, two overlapping parts count their union. NaN when no finding has an
    /// area.
    double areaMu = std::numeric_limits<double>::quiet_NaN();
    /// The plain sum of the findings' areas (NaN when none has one): areaMu when nothing is
    /// counted twice, more when something is.
    double summedMu = std::numeric_limits<double>::quiet_NaN();
    /// Findings whose area lies (wholly or partly) on another's and was counted once with it.
    std::size_t countedOnce = 0;

    /// True when the union is smaller than the sum: some land is under several findings.
    bool hasOverlaps() const { return countedOnce > 0; }
};

/// How the union of a cluster of overlapping findings is measured. The findings, their clusters
/// and what counts once are the same either way; only how the union's area is made differs.
enum class UnionPath {
    /// The default. A part that another part of its cluster covers (GEOSPreparedCovers_r: a
    /// red-line piece inside a works strip) is left out of the union, and a cluster of many
    /// parts (a road network's strips and pieces) is cut into tiles by GEOSClipByRect, each
    /// tile united and measured on whichever worker is free and the tiles' areas summed in tile
    /// order. The same land, so the area agrees with Reference's to rounding
    /// (FindingsTotalTest holds every total to 1e-9 relative and to the shown 0.01 亩); a tile
    /// GEOS cannot unite sends its cluster to Reference's way. Among totals made together
    /// (totalsOfFindings), a rule's cluster of exactly the geometries of a cluster of the
    /// measured total takes that cluster's area instead of uniting them again.
    /// A rule's cluster of some of the geometries of a measured cluster (works strips and
    /// the red-line pieces they cross) is united first, and its union taken into the measured
    /// cluster's in place of those geometries; the rule totals take the measured total's
    /// answer for a pair of geometries it related (the same call on the same geometries).
    Fast,
    /// Every cluster united whole by one GEOSUnaryUnion of all its parts: figures to the last
    /// bit whatever the threads. Kept as the reference the tests hold Fast to (nothing else
    /// asks for it).
    Reference,
};

/// The total of the findings `which` (indices into `findings`), whatever their rules.
///
/// The area is that of the union of the findings' polygonal geometries (in `crs`, the park's
/// working CRS the findings' WKB is in, measured by `method`): findings with the same geometry
/// (one plot under several rules) count once, and findings whose parts overlap count the area
/// of their union. A finding with an area but no polygonal geometry counts once per feature
/// (layer and fids), with the largest area given for it, and not at all when a finding with a
/// geometry names the same feature. A finding alone (overlapping no other) adds its own areaMu
/// unchanged, so a list without overlaps totals exactly the sum of its areas.
///
/// Throws CrsError when overlapping findings have to be measured and `crs` is empty. Blocking;
/// uses its own GEOS context and PROJ objects, so any thread may call it.
FindingsTotal totalOfFindings(const std::vector<Finding>& findings,
                              std::span<const std::size_t> which, const Crs& crs,
                              AreaMethod method = AreaMethod::Ellipsoidal,
                              UnionPath path = UnionPath::Fast);

/// The same over findings read one at a time (a spill on disk, findings_spill.h): only a hash
/// and an index per distinct geometry stay in memory besides the geometries being measured.
FindingsTotal totalOfFindings(const FindingSource& findings, std::span<const std::size_t> which,
                              const Crs& crs, AreaMethod method = AreaMethod::Ellipsoidal,
                              UnionPath path = UnionPath::Fast);

/// The total of one rule's findings.
struct RuleTotal {
    std::string rule;
    FindingsTotal total;
};

/// The totals of a list of findings as every report shows them: per rule (cannot_decide
/// included, as its own rule), the measured total over every rule but cannot_decide, and
/// cannot_decide apart. A cannot_decide finding says a rule could not decide about a feature:
/// its area is never added to a measured total.
struct FindingsTotals {
    std::vector<RuleTotal> byRule; // in the order the rules first appear in the findings
    FindingsTotal measured;        // every finding but cannot_decide
    FindingsTotal undecided;       // the cannot_decide findings alone

    /// The total of `rule` (an empty total when no finding has that rule).
    const FindingsTotal& of(const std::string& rule) const;
};

/// The totals of `findings` (see totalOfFindings for how each is counted).
FindingsTotals totalsOfFindings(const std::vector<Finding>& findings, const Crs& crs,
                                AreaMethod method = AreaMethod::Ellipsoidal,
                                UnionPath path = UnionPath::Fast);
FindingsTotals totalsOfFindings(const FindingSource& findings, const Crs& crs,
                                AreaMethod method = AreaMethod::Ellipsoidal,
                                UnionPath path = UnionPath::Fast);

} // namespace parkatlas::geo
