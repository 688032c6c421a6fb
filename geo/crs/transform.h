#pragma once

#include "geo/crs/crs.h"

#include <cstddef>
#include <memory>
#include <string>

namespace parkatlas::geo {

/// A coordinate operation between two CRSs through PROJ, easting/longitude first on both
/// sides (proj_normalize_for_visualization). Owns its own PJ_CONTEXT, so one Transform must be
/// used by one thread at a time; make one per worker.
class Transform {
public:
    /// Throws CrsError when either side is empty or PROJ finds no operation.
    Transform(const Crs& source, const Crs& target);
    ~Transform();
    Transform(Transform&&) noexcept;
    Transform& operator=(Transform&&) noexcept;
    Transform(const Transform&) = delete;
    Transform& operator=(const Transform&) = delete;

    /// Transforms interleaved x,y pairs in place. Points that fail become NaN; returns how many
    /// failed.
    std::size_t forward(double* xy, std::size_t pointCount) const;
    std::size_t inverse(double* xy, std::size_t pointCount) const;

    /// True when source and target are the same CRS (the calls above do nothing).
    bool isIdentity() const;
    /// PROJ's name of the chosen operation, for reports ("Inverse of ... + ...").
    std::string description() const;
    /// True when PROJ had no published transformation between the datums and fell back to a
    /// ballpark (datum shift ignored: accurate to tens of metres at best, say so to users).
    bool isBallpark() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace parkatlas::geo
