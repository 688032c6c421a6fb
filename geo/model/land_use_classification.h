#pragma once

#include "geo/message.h"
#include "geo/model/display_names.h"
#include "geo/model/role.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parkatlas::geo {

struct ParkLayer;

/// The land-use classification systems, by the ids the project file ("classification"), the
/// command line (--classification ROLE=SYSTEM), the JSON and the GUI use. The same code means
/// different things in different systems (0601: 工业用地 in GB/T 21010-2017, 乡村道路用地 in
/// GTKJ-2023), so a code is only ever read in a system.
inline constexpr const char* kGbt21010 = "GB/T 21010-2017"; // 土地利用现状分类 (三调, 不动产)
inline constexpr const char* kTddc3 = "TDDC-3";             // 三调工作分类 (TD/T 1055-2019)
inline constexpr const char* kGb50137 = "GB 50137-2011";    // 城市用地分类 (控规)
inline constexpr const char* kGtkj2023 = "GTKJ-2023";       // 用地用海分类指南 (2023)

/// The four systems, in that order.
const std::vector<std::string>& landUseSystemIds();
/// The system id of `name` (exactly one of the four ids). Throws Error naming the value and
/// listing the known ones when it is none of them.
std::string landUseSystemFromString(std::string_view name);

/// One land-use class of one system.
struct LandUseClass {
    std::string code;   // "M1", "100101", "0601"
    std::string system; // kGb50137 …
    std::string name;   // 中文名称: "一类工业用地"
    std::string parent; // "" at the top
    std::string colour; // "#RRGGBB"
    bool attribute = false; // a 三调 城镇村属性码 (201 城市 …), not a land use
};

/// The systems a layer's codes are read in. One when declared or detected; two when the layer
/// mixes systems whose codes cannot be confused (GB 50137 letters beside GTKJ-2023 numbers, as
/// many 控规 do) or when its codes fit two systems equally (ambiguous: see LandUseDetection).
/// A code is read in those of the systems where it exists; where that is more than one and the
/// meanings differ, nothing is decided on it.
using LandUseSystems = std::vector<std::string>;

/// Which systems a layer's codes are in, and why.
struct LandUseDetection {
    LandUseSystems systems;  // empty: the layer has no codes to read
    bool declared = false;   // from the project file, the command line or the GUI
    std::string reason;      // why, in English: "declared on the command line", "DLBM codes …"
    std::string warning;     // non-empty when the codes fit two systems whose meanings differ
    std::size_t codesInNoSystem = 0; // distinct codes no candidate system has
    /// `reason` as messages (geo/message.h), one per clause, so that it can be said in the
    /// user's language; their English joined by "; " is `reason`.
    std::vector<Message> reasons;
    /// `warning` as a message (empty id when there is no warning).
    Message warningMessage;
    /// "GB/T 21010-2017", "GB 50137-2011 + GTKJ-2023"; "" when there are no systems.
    std::string label() const;
    /// `reason` in `language` ("按代码识别：6 个数字代码中有 6 个属于 GB/T 21010-2017（字段 DLBM）").
    std::string reasonText(Language language) const;
    /// `warning` in `language`; "" when there is none.
    std::string warningText(Language language) const;
    /// Declared: the one `system`, the reason "declared " + `origin` ("on the command line",
    /// "in the project file"; said in Chinese through styles/messages.json's phrases).
    void setDeclared(const std::string& system, const std::string& origin);
    /// Marks a detection's reason as detected ("detected: …"), when it found systems.
    void markDetected();
};

/// How a parcel's code stands to the code of the plan zone it lies in.
enum class LandUseVerdict {
    Fits,         // the parcel's class lies within the zone's
    TooCoarse,    // the parcel's class is broader than the zone's (工业用地 in an M3 zone)
    Mismatch,     // the classes are disjoint
    CannotDecide, // unknown code, ambiguous system, or a crosswalk that cannot tell
};

struct LandUseJudgement {
    LandUseVerdict verdict = LandUseVerdict::CannotDecide;
    /// Why, for CannotDecide (and the crosswalk relation used otherwise), in both languages.
    std::string reasonZh;
    std::string reasonEn;
    /// For TooCoarse: the zone's class the parcel would have to be coded in ("M3（三类工业用地）").
    std::string required;
};

/// The land-use classifications of styles/landuse.json: per system, names, colours, parents
/// and the 三调 attribute codes; a typed crosswalk (same, broader, narrower, overlapping, each
/// with its source) from every system to GTKJ-2023, through which codes of two systems are
/// compared; and the compatibility table (which codes a zone also takes). Immutable once loaded;
/// safe to use from several threads.
class LandUseClassification {
public:
    /// Reads a landuse.json. Throws IoError naming the file when it cannot be read or parsed,
    /// or has no classes.
    static LandUseClassification load(const std::string& path);
    /// The one in stylesDirectory(), loaded once per process. Throws IoError.
    static const LandUseClassification& standard();

    /// The class of a code in one system (normalised with normalise(code, system)), or null.
    const LandUseClass* find(std::string_view code, std::string_view system) const;
    /// For callers that know no system (recognising codes in CAD texts): the first class of
    /// that code in the table's order (GB 50137-2011, GTKJ-2023, GB/T 21010-2017, TDDC-3).
    /// Never use it to judge a code.
    const LandUseClass* find(std::string_view code) const;
    /// "一类工业用地" for "M1" in GB 50137-2011; mixed codes "商业用地/商务用地"; "" when the
    /// system lacks a code.
    std::string nameOf(std::string_view code, std::string_view system) const;
    /// The name in the one of `systems` that has the code; when several have it with different
    /// names, both are given ("工业用地 (GB/T 21010-2017) / 乡村道路用地 (GTKJ-2023)").
    std::string nameOf(std::string_view code, const LandUseSystems& systems) const;
    /// System-less, first match (see find(code)).
    std::string nameOf(std::string_view code) const;
    /// The colour of a code or of its nearest ancestor in `system`, "" when none.
    std::string colourOf(std::string_view code, std::string_view system) const;

    /// One key per class across systems, so that a legend or a table shows a class once: the
    /// GTKJ-2023 code the crosswalk says `code` of `system` is the `same` class as ("GTKJ-2023
    /// 100101" for M1 of GB 50137-2011 and for 100101 itself; "GTKJ-2023 1001" for 0601 of
    /// GB/T 21010-2017 and for M), else the code in its own system ("GB/T 21010-2017 1202").
    /// Of `systems`, the ones that have the code decide; a code that none has, a mixed code
    /// ("B1/R2"), or one that two of them have as different classes keeps a key of its own
    /// that matches no other code ("? 0601").
    std::string sameClassKey(std::string_view code, const LandUseSystems& systems) const;

    /// How a parcel coded `parcelCode` (in `parcelSystems`) stands to a plan zone coded
    /// `zoneCode` (in `zoneSystems`). In one system, by the hierarchy (M1 fits M; M fits no M3:
    /// too coarse). Across systems, through the crosswalk into GTKJ-2023 (0601 of GB/T 21010 is
    /// 1001 工业用地 of GTKJ-2023: it fits an M zone and is too coarse for an M3 zone). The
    /// compatibility table lets a zone take more (M1 takes W1). Mixed codes ("B1/R2",
    /// "M1+W1") are split: a mixed zone takes a parcel part that fits any of its codes; every
    /// part of a mixed parcel must fit. A code in none of the systems, or one that exists in
    /// two of them with different results, is CannotDecide, naming the code.
    LandUseJudgement judge(std::string_view parcelCode, const LandUseSystems& parcelSystems,
                           std::string_view zoneCode, const LandUseSystems& zoneSystems) const;
    /// judge(...).verdict == Fits.
    bool fits(std::string_view parcelCode, const LandUseSystems& parcelSystems,
              std::string_view zoneCode, const LandUseSystems& zoneSystems) const;

    /// Which systems a layer's codes are in, from its whole set of distinct codes, the name of
    /// the field they come from (DLBM → GB/T 21010-2017 or TDDC-3; YDYHFLDM → GTKJ-2023) and
    /// its role (a plan_zones layer is a plan: numeric codes fitting both GB/T 21010 and
    /// GTKJ-2023 are read as GTKJ-2023). Letter codes are GB 50137-2011; six-digit codes are
    /// GTKJ-2023; 05H1, 08H2, K/A subdivisions are TDDC-3. Codes that fit two systems whose
    /// meanings differ leave both as candidates with a warning.
    LandUseDetection detect(const std::vector<std::string>& codes, std::string_view fieldName,
                            std::optional<Role> role) const;

    const std::vector<LandUseClass>& classes() const { return m_classes; }

    /// The code as the tables spell it: trimmed, upper case, a trailing name dropped
    /// ("m1 一类工业" → "M1").
    static std::string normalise(std::string_view code);
    /// normalise(), then the 控规 habit of suffixes dropped for GB 50137-2011 ("M1a" → "M1",
    /// "R2-1" → "R2").
    static std::string normalise(std::string_view code, std::string_view system);
    /// "B1/R2" → {"B1", "R2"}; separators / + , 、 ，.
    static std::vector<std::string> splitMixed(std::string_view text);

private:
    using Key = std::pair<std::string, std::string>; // system, code
    struct Link {
        std::string relation; // same, broader, narrower, overlapping: `from` is … than `to`
        std::string toCode;   // in GTKJ-2023
    };

    bool hasShape(const std::string& code, const std::string& system) const;
    std::string structuralParent(const std::string& code, const std::string& system) const;
    std::string parentOf(const std::string& code, const std::string& system) const;
    /// The code and its ancestors, the first one the table has marking it known.
    std::vector<std::string> ancestorsOrSelf(const std::string& code,
                                             const std::string& system) const;
    /// Whether the code or a structural ancestor is in the system's table.
    bool resolves(const std::string& code, const std::string& system) const;
    bool isAncestorOrSelf(const std::string& ancestor, const std::string& code,
                          const std::string& system) const;
    void descendantsOrSelf(const std::string& code, const std::string& system,
                           std::vector<std::string>& out) const;
    std::set<std::string> pivotUp(const std::string& code, const std::string& system) const;
    std::set<std::string> pivotIn(const std::string& code, const std::string& system) const;
    /// Every GTKJ-2023 class the code's own links touch; `exact` when they are all same or
    /// broader (the code is their union).
    std::set<std::string> pivotCover(const std::string& code, const std::string& system,
                                     bool& exact) const;
    LandUseVerdict judgeOne(const std::string& parcelCode, const std::string& parcelSystem,
                            const std::string& zoneCode, const std::string& zoneSystem) const;
    LandUseJudgement judgePart(const std::string& parcelPart, const LandUseSystems& parcelSystems,
                               const std::string& zonePart,
                               const LandUseSystems& zoneSystems) const;
    std::string described(const std::string& code, const std::string& system) const;

    std::vector<LandUseClass> m_classes;
    std::map<Key, std::size_t> m_byKey;
    std::map<std::string, std::size_t> m_firstByCode;
    std::map<Key, std::vector<std::string>> m_children;
    std::map<Key, std::vector<Link>> m_links; // to GTKJ-2023
    std::multimap<Key, Key> m_compatible;     // zone → parcel codes it also takes
};

/// The systems of a park layer's land_use codes: its declared classification
/// (ParkLayer::classification), else detected from the layer's distinct codes, field name and
/// role. A layer without a land_use field gives an empty detection.
LandUseDetection landUseSystemsOf(const ParkLayer& layer, const LandUseClassification& table);

} // namespace parkatlas::geo
