#include "geo/crs/transform.h"

#include "geo/error.h"

#include <proj.h>

#include <cmath>
#include <limits>

namespace parkatlas::geo {

namespace {

struct ContextDeleter {
    void operator()(PJ_CONTEXT* context) const noexcept { proj_context_destroy(context); }
};
struct PjDeleter {
    void operator()(PJ* pj) const noexcept { proj_destroy(pj); }
};
using ContextPtr = std::unique_ptr<PJ_CONTEXT, ContextDeleter>;
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

PjPtr crsToPj(PJ_CONTEXT* context, const Crs& crs)
{
    // PROJJSON keeps everything PROJ needs, ESRI-born definitions included. It is one of the
    // Crs's immutable facts: no OGR object is touched here, so any thread may make a Transform.
    const std::string json = crs.projJson();
    if (json.empty())
        throw CrsError("cannot export '" + crs.name() + "' for PROJ");
    PjPtr pj(proj_create(context, json.c_str()));
    if (!pj)
        throw CrsError("PROJ cannot use '" + crs.name() +
                       "': " + proj_context_errno_string(context, proj_context_errno(context)));
    return pj;
}

} // namespace

struct Transform::Impl {
    ContextPtr context;
    PjPtr operation;
    bool identity = false;
};

Transform::Transform(const Crs& source, const Crs& target) : m_impl(std::make_unique<Impl>())
{
    if (source.isEmpty() || target.isEmpty())
        throw CrsError("a transform needs both coordinate systems, and one is unknown");
    if (source.isSameAs(target)) {
        m_impl->identity = true;
        return;
    }
    m_impl->context.reset(proj_context_create());
    PJ_CONTEXT* context = m_impl->context.get();
    PjPtr from = crsToPj(context, source);
    PjPtr to = crsToPj(context, target);
    PjPtr operation(
        proj_create_crs_to_crs_from_pj(context, from.get(), to.get(), nullptr, nullptr));
    if (!operation)
        throw CrsError("PROJ finds no way from '" + source.name() + "' to '" + target.name() + "'");
    PjPtr normalized(proj_normalize_for_visualization(context, operation.get()));
    if (!normalized)
        throw CrsError("PROJ cannot normalise the axis order from '" + source.name() + "' to '" +
                       target.name() + "'");
    m_impl->operation = std::move(normalized);
}

Transform::~Transform() = default;
Transform::Transform(Transform&&) noexcept = default;
Transform& Transform::operator=(Transform&&) noexcept = default;

namespace {

std::size_t run(PJ* operation, PJ_DIRECTION direction, double* xy, std::size_t pointCount)
{
    if (pointCount == 0)
        return 0;
    const std::size_t stride = 2 * sizeof(double);
    proj_trans_generic(operation, direction, xy, stride, pointCount, xy + 1, stride, pointCount,
                       nullptr, 0, 0, nullptr, 0, 0);
    std::size_t failed = 0;
    for (std::size_t i = 0; i < pointCount; ++i) {
        double& x = xy[2 * i];
        double& y = xy[2 * i + 1];
        if (!std::isfinite(x) || !std::isfinite(y)) {
            x = y = std::numeric_limits<double>::quiet_NaN();
            ++failed;
        }
    }
    return failed;
}

} // namespace

std::size_t Transform::forward(double* xy, std::size_t pointCount) const
{
    return m_impl->identity ? 0 : run(m_impl->operation.get(), PJ_FWD, xy, pointCount);
}

std::size_t Transform::inverse(double* xy, std::size_t pointCount) const
{
    return m_impl->identity ? 0 : run(m_impl->operation.get(), PJ_INV, xy, pointCount);
}

bool Transform::isIdentity() const
{
    return m_impl->identity;
}

std::string Transform::description() const
{
    if (m_impl->identity)
        return "identity";
    PJ_PROJ_INFO info = proj_pj_info(m_impl->operation.get());
    return info.description ? info.description : "";
}

bool Transform::isBallpark() const
{
    if (m_impl->identity)
        return false;
    return description().find("Ballpark") != std::string::npos;
}

} // namespace parkatlas::geo
