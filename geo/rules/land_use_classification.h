#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// One land-use class of GB 50137-2011 or of the 2023 national classification.
struct LandUseClass {
    std::string code;   // "M1", "100101"
    std::string system; // "GB50137-2011", "GTKJ2023"
    std::string name;   // 中文名称: "一类工业用地"
    std::string parent; // "" at the top
    std::string colour; // "#RRGGBB"
};

/// The land-use classifications of styles/landuse.json: names, colours, parents, the cross-walk
/// between the two systems and the compatibility table, and the rule of which parcel code fits
/// which plan-zone code (DESIGN.md, "The data contract"). Immutable once loaded; safe to use from
/// several threads.
class LandUseClassification {
public:
    /// Reads a landuse.json. Throws IoError naming the file when it cannot be read or parsed.
    static LandUseClassification load(const std::string& path);
    /// The one in stylesDirectory(), loaded once per process. Throws IoError.
    static const LandUseClassification& standard();

    /// The class of a code (trimmed, case-insensitive), or null when the tables do not have it.
    const LandUseClass* find(std::string_view code) const;
    /// "一类工业用地" for "M1"; "" for a code the tables do not have.
    std::string nameOf(std::string_view code) const;

    /// True when a parcel of code `parcelCode` fits a plan zone of code `zoneCode`: the codes
    /// are equal, the parcel's is a descendant of the zone's (M1 fits M; 100101 fits 1001 and
    /// 10), or the compatibility table lets the zone take it, directly or through the
    /// cross-walk (M1 fits a 100101 zone; 100101 fits an M zone). Codes the tables do not have
    /// still fit by structure (a 2023 code's parent drops its last two digits, a GB 50137
    /// code's its last digit). Mixed codes ("B1/R2", "M1+W1") are split: a mixed zone takes a
    /// parcel that fits any of its codes; a mixed parcel must fit with every one of its codes.
    bool fits(std::string_view parcelCode, std::string_view zoneCode) const;

    const std::vector<LandUseClass>& classes() const { return m_classes; }

    /// The code as the tables spell it: trimmed, upper case, a trailing name dropped
    /// ("m1 一类工业" → "M1").
    static std::string normalise(std::string_view code);

private:
    std::vector<std::string> ancestorsOrSelf(const std::string& code) const;
    std::string parentOf(const std::string& code) const;
    bool fitsSingle(const std::string& parcelCode, const std::string& zoneCode) const;

    std::vector<LandUseClass> m_classes;
    std::map<std::string, std::size_t> m_byCode;
    std::multimap<std::string, std::string> m_crosswalk;  // both directions
    std::multimap<std::string, std::string> m_compatible; // zone code → parcel codes it takes
};

} // namespace parkatlas::geo
