#include "geo/crs/crs_catalog.h"

#include <proj.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace parkatlas::geo {

namespace {

struct ContextDeleter {
    void operator()(PJ_CONTEXT* context) const noexcept { proj_context_destroy(context); }
};

} // namespace

std::vector<CrsCatalogEntry> crsCatalog()
{
    std::unique_ptr<PJ_CONTEXT, ContextDeleter> context(proj_context_create());
    PROJ_CRS_LIST_PARAMETERS* parameters = proj_get_crs_list_parameters_create();
    if (!context || !parameters) {
        proj_get_crs_list_parameters_destroy(parameters);
        return {};
    }
    const PJ_TYPE types[] = {PJ_TYPE_GEOGRAPHIC_2D_CRS, PJ_TYPE_PROJECTED_CRS};
    parameters->types = types;
    parameters->typesCount = 2;
    parameters->allow_deprecated = 0;
    int count = 0;
    PROJ_CRS_INFO** list =
        proj_get_crs_info_list_from_database(context.get(), "EPSG", parameters, &count);
    proj_get_crs_list_parameters_destroy(parameters);
    std::vector<CrsCatalogEntry> entries;
    if (!list)
        return entries;
    entries.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        const PROJ_CRS_INFO& info = *list[i];
        CrsCatalogEntry entry;
        entry.authority = info.auth_name ? info.auth_name : "";
        entry.code = info.code ? info.code : "";
        entry.name = info.name ? info.name : "";
        entry.projected = info.type == PJ_TYPE_PROJECTED_CRS;
        entry.areaName = info.area_name ? info.area_name : "";
        entries.push_back(std::move(entry));
    }
    proj_crs_info_list_destroy(list);
    // Numeric codes in numeric order (PROJ sorts them as text).
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return std::strtol(a.code.c_str(), nullptr, 10) < std::strtol(b.code.c_str(), nullptr, 10);
    });
    return entries;
}

} // namespace parkatlas::geo
