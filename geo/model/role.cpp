#include "geo/model/role.h"

#include "geo/ascii.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace parkatlas::geo {

const std::vector<Role>& allRoles()
{
    static const std::vector<Role> roles = {Role::Boundary,    Role::Parcels,    Role::PlanZones,
                                            Role::Acquisition, Role::IdleLand,   Role::Roads,
                                            Role::Pipelines,   Role::Facilities, Role::Buildings,
                                            Role::Protected,   Role::Expansion};
    return roles;
}

const char* toString(Role role)
{
    switch (role) {
    case Role::Boundary:
        return "boundary";
    case Role::Parcels:
        return "parcels";
    case Role::PlanZones:
        return "plan_zones";
    case Role::Acquisition:
        return "acquisition";
    case Role::IdleLand:
        return "idle_land";
    case Role::Roads:
        return "roads";
    case Role::Pipelines:
        return "pipelines";
    case Role::Facilities:
        return "facilities";
    case Role::Buildings:
        return "buildings";
    case Role::Protected:
        return "protected";
    case Role::Expansion:
        return "expansion";
    }
    return "";
}

const char* chineseName(Role role)
{
    switch (role) {
    case Role::Boundary:
        return "园区边界";
    case Role::Parcels:
        return "宗地";
    case Role::PlanZones:
        return "控规地块";
    case Role::Acquisition:
        return "征地";
    case Role::IdleLand:
        return "闲置土地";
    case Role::Roads:
        return "道路工程";
    case Role::Pipelines:
        return "管网工程";
    case Role::Facilities:
        return "设施";
    case Role::Buildings:
        return "建筑物";
    case Role::Protected:
        return "管控线";
    case Role::Expansion:
        return "扩区方案";
    }
    return "";
}

std::optional<Role> roleFromLayerName(std::string_view name)
{
    static const std::map<std::string, Role> kNames = {
        {"boundary", Role::Boundary},
        {"boundaries", Role::Boundary},
        {"park_boundary", Role::Boundary},
        {"园区边界", Role::Boundary},
        {"四至", Role::Boundary},
        {"边界", Role::Boundary},
        {"开发区边界", Role::Boundary},
        {"parcels", Role::Parcels},
        {"parcel", Role::Parcels},
        {"宗地", Role::Parcels},
        {"地块", Role::Parcels},
        {"zd", Role::Parcels},
        // 不动产/地籍 database tables (宗地基本信息). 三调's DLTB (地类图斑) and JSYDGZQ
        // (建设用地管制区) have no role by name: DLTB is land-use status, not the cadastre (a park
        // with ZD would get two parcel layers), and a 管制区 layer mixes zones where building is
        // allowed with zones where it is forbidden, so it is neither a plan nor a protected
        // area; a project file or the import's mapping assigns them.
        {"zdjbxx", Role::Parcels},
        {"zd_jbxx", Role::Parcels},
        {"宗地基本信息", Role::Parcels},
        {"plan_zones", Role::PlanZones},
        {"plan_zone", Role::PlanZones},
        {"planzones", Role::PlanZones},
        {"控规", Role::PlanZones},
        {"控规地块", Role::PlanZones},
        {"控制性详细规划", Role::PlanZones},
        {"acquisition", Role::Acquisition},
        {"acquisitions", Role::Acquisition},
        {"征地", Role::Acquisition},
        {"idle_land", Role::IdleLand},
        {"idle", Role::IdleLand},
        {"idleland", Role::IdleLand},
        {"闲置土地", Role::IdleLand},
        {"闲置土地处置", Role::IdleLand},
        {"roads", Role::Roads},
        {"road", Role::Roads},
        {"道路", Role::Roads},
        {"道路工程", Role::Roads},
        {"pipelines", Role::Pipelines},
        {"pipeline", Role::Pipelines},
        {"管网", Role::Pipelines},
        {"管线", Role::Pipelines},
        {"管网工程", Role::Pipelines},
        {"facilities", Role::Facilities},
        {"facility", Role::Facilities},
        {"设施", Role::Facilities},
        {"buildings", Role::Buildings},
        {"building", Role::Buildings},
        {"建筑", Role::Buildings},
        {"建筑物", Role::Buildings},
        {"房屋", Role::Buildings},
        {"protected", Role::Protected},
        {"管控线", Role::Protected},
        {"yjjbnt", Role::Protected},     // 永久基本农田
        {"yjjbntbhtb", Role::Protected}, // 永久基本农田保护图斑 (三调)
        {"永久基本农田", Role::Protected},
        {"基本农田", Role::Protected},
        {"stbhhx", Role::Protected}, // 生态保护红线
        {"生态保护红线", Role::Protected},
        {"expansion", Role::Expansion},
        {"扩区", Role::Expansion},
        {"扩区方案", Role::Expansion},
    };
    auto it = kNames.find(lowerAscii(name));
    if (it == kNames.end())
        return std::nullopt;
    return it->second;
}

bool isHistoryLayerName(std::string_view name)
{
    constexpr std::string_view kSuffix = "_history";
    if (name.size() <= kSuffix.size())
        return false;
    const std::string lower = lowerAscii(name);
    return lower.compare(lower.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0 &&
           roleFromLayerName(std::string_view(name).substr(0, name.size() - kSuffix.size()));
}

namespace {

/// Spellings of a contract field that data hands over under any role: the name run together or
/// in other English words (`landuse`, `LandUse`, `land_use_code`), and Chinese and survey names
/// common to every role. Added after each role's own aliases, and never where the spelling is
/// already a name or alias of another field of the role.
const std::map<std::string, std::vector<const char*>>& commonSpellings()
{
    static const std::map<std::string, std::vector<const char*>> kSpellings = {
        {"name", {"title", "mingcheng"}},
        {"kind", {"type", "category", "leixing"}},
        {"subpark", {"sub_park", "subzone", "片区名称"}},
        {"valid_from", {"validfrom", "valid_date", "生效时间"}},
        {"parcel_id",
         {"parcelid", "parcel_no", "parcel_code", "plot_id", "plotid", "land_id", "DKDM", "宗地号",
          "地块号", "地块代码"}},
        {"owner",
         {"owner_name", "holder", "company", "enterprise", "QYMC", "用地单位", "使用权单位",
          "企业"}},
        {"land_use",
         {"landuse", "land_use_code", "landuse_code", "LUCODE", "YDXZ", "YDDM", "DLBM", "YDLX",
          "用地性质", "地类编码", "用地代码", "用地类型", "用地分类", "地类代码", "规划用地性质"}},
        {"supply_dt", {"supplydt", "supply_date", "supplydate", "GDSJ", "出让日期"}},
        {"agr_start", {"agrstart", "agreed_start", "约定动工时间", "约定开工时间"}},
        {"agr_finish", {"agrfinish", "agreed_finish", "约定竣工时间"}},
        {"act_start",
         {"actstart", "actual_start", "start_date", "实际动工时间", "实际开工时间", "开工日期",
          "动工日期"}},
        {"stopped", {"stop_date", "stopped_on", "停工时间"}},
        {"invest_tot",
         {"investtot", "invest_total", "total_invest", "investment", "约定投资", "协议投资"}},
        {"invested", {"invest_done", "已投资", "累计投资"}},
        {"built_area", {"builtarea", "built_m2", "已建设面积"}},
        {"floor_area", {"floorarea", "gfa", "floor_m2"}},
        {"tax", {"tax_wan", "annual_tax", "taxes", "纳税", "年纳税"}},
        {"status", {"state", "建设状态", "建设情况"}},
        {"zone_id", {"zoneid", "zone_no", "plan_id", "规划地块编号"}},
        {"far_min", {"farmin", "min_far"}},
        {"far_max", {"farmax", "max_far", "far"}},
        {"cover_min", {"covermin", "coverage", "density", "建筑密度下限"}},
        {"green_max", {"greenmax", "green_ratio", "绿地率上限"}},
        {"batch_id", {"batchid", "batch", "batch_no", "征地批次"}},
        {"village", {"village_name", "村庄", "所在村"}},
        {"vgroup", {"v_group", "village_group", "组别"}},
        {"stage", {"phase", "jieduan"}},
        {"dispute", {"disputed", "有无纠纷"}},
        {"households", {"household", "hh"}},
        {"persons", {"population", "people"}},
        {"approved", {"approval", "批复文号"}},
        {"compensate", {"compensation", "补偿费", "补偿金"}},
        {"resettle", {"resettlement", "安置地点"}},
        {"case_id", {"caseid", "case_no", "案件号"}},
        {"fee", {"idle_fee", "闲置土地费", "土地闲置费"}},
        {"road_class", {"roadclass", "grade", "道路级别"}},
        {"width_m", {"width", "red_width", "道路宽度", "规划红线宽度"}},
        {"lot", {"section", "标段号"}},
        {"contract", {"contract_price", "合同价款", "合同额"}},
        {"progress", {"percent", "完成进度", "形象进度"}},
        {"plan_year", {"planyear", "year", "建设年度"}},
        {"diam_mm", {"diameter", "DN", "管径mm"}},
        {"volt_kv", {"voltage", "电压等级"}},
        {"capacity", {"scale", "设计规模"}},
        {"floors", {"storeys", "stories", "JZCS", "建筑层数"}},
        {"height_m", {"height", "建筑高度"}},
        {"note", {"remark", "remarks", "comment", "说明"}},
    };
    return kSpellings;
}

bool sameName(std::string_view a, std::string_view b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

/// `fields` with the common spellings added to each field, leaving out any spelling that is a
/// name or alias of the role already (so `far` stays far_max's and never becomes two fields').
std::vector<ContractField> withCommonSpellings(std::vector<ContractField> fields)
{
    auto taken = [&fields](const char* spelling) {
        for (const ContractField& field : fields) {
            if (sameName(field.name, spelling))
                return true;
            for (const char* alias : field.aliases)
                if (sameName(alias, spelling))
                    return true;
        }
        return false;
    };
    for (ContractField& field : fields) {
        const auto found = commonSpellings().find(field.name);
        if (found == commonSpellings().end())
            continue;
        for (const char* spelling : found->second)
            if (!taken(spelling))
                field.aliases.push_back(spelling);
    }
    return fields;
}

} // namespace

const std::vector<ContractField>& contractFields(Role role)
{
    // The conventional names fit a DBF's 10 characters; aliases are the survey codes (第三次
    // 国土调查 / 地籍调查 style) and the Chinese column names that real ledgers use, then the
    // common spellings of commonSpellings().
    static const std::map<Role, std::vector<ContractField>> kOwnFields = {
        {Role::Boundary,
         {{"name", {"MC", "KFQMC", "名称", "园区名称", "开发区名称"}},
          {"kind", {"类型", "范围类型", "LX"}},
          {"subpark", {"片区", "园中园", "分区", "期"}},
          {"valid_from", {"生效日期", "批准日期", "PZRQ"}}}},
        {Role::Parcels,
         // 不动产/地籍 ZD (ZDDM, BDCDYH, QLR, YT) and 三调 DLTB (TBBH, QSDWMC, DLBM) names.
         {{"parcel_id",
           {"ZDDM", "DKBH", "ZDBH", "宗地代码", "宗地编号", "地块编号", "地块编码", "BDCDYH",
            "不动产单元号", "TBBH", "图斑编号"}},
          {"owner",
           {"QLR", "QLRMC", "QSDWMC", "权利人", "权利人名称", "土地使用权人", "使用权人",
            "权属单位名称", "企业名称", "单位名称"}},
          {"land_use",
           {"YDDM", "DLBM", "TDYT", "YT", "PZYT", "SJYT", "用地代码", "用地性质", "地类编码",
            "土地用途", "用途", "批准用途"}},
          {"supply_dt", {"GDRQ", "供地日期", "供地时间"}},
          {"agr_start", {"YDDGRQ", "约定动工日期", "约定开工日期", "约定动工"}},
          {"agr_finish", {"YDJGRQ", "约定竣工日期", "约定竣工"}},
          {"act_start", {"SJDGRQ", "实际动工日期", "实际开工日期", "实际动工"}},
          {"stopped", {"TGRQ", "停工日期"}},
          {"invest_tot", {"YDZTZ", "约定总投资", "总投资", "计划投资"}},
          {"invested", {"YWCTZ", "已完成投资", "完成投资", "实际投资"}},
          {"built_area", {"YKFMJ", "已开发面积", "已开发建设用地面积", "已建面积"}},
          {"floor_area", {"ZJZMJ", "JZZMJ", "总建筑面积", "建筑总面积", "建筑面积"}},
          {"tax", {"NSS", "年税收", "税收"}},
          {"status", {"ZT", "状态", "现状"}},
          // The company's 18-character 统一社会信用代码, by which ledgers are keyed (credit_code
          // does not fit a DBF; `--on credit_code` names it).
          {"credit_cd",
           {"credit_code", "credit_cod", "USCC", "TYSHXYDM", "统一社会信用代码", "信用代码"}},
          // 标准地 (浙政办发〔2018〕73号, DB33/T 2172-2018): the contract's targets per plot, in
          // the units the names say unless the value names its own (geo/rules/standard_land.h),
          // and the length of the initial operating period (初始运营期 / 达产期, years).
          {"sl_invest", {"投资强度", "约定投资强度", "合同投资强度", "固定资产投资强度"}},
          {"sl_far", {"约定容积率", "合同容积率", "容积率指标", "标准地容积率"}},
          {"sl_tax", {"亩均税收", "约定亩均税收", "合同亩均税收", "亩均税收指标"}},
          {"sl_value", {"亩均增加值", "约定亩均增加值", "合同亩均增加值", "亩均增加值指标"}},
          {"sl_energy",
           {"单位能耗", "能耗指标", "单位增加值能耗", "约定能耗", "合同能耗", "单位能耗增加值"}},
          {"sl_rd", {"研发投入占比", "研发经费占比", "R&D占比", "约定研发投入占比", "研发投入强度"}},
          {"op_years", {"初始运营期", "达产期", "运营期", "约定达产期", "初始运营期限"}},
          // The plot's actual figures the 标准地 targets are checked against (tax, invested and
          // floor_area above are the others).
          {"value_add", {"增加值", "年增加值", "工业增加值", "实际增加值"}},
          {"energy_tce", {"综合能耗", "年综合能耗", "能源消费量", "实际能耗"}},
          {"rd_share", {"研发占比", "实际研发投入占比", "R&D投入占比", "研发费用占比"}},
          // 开发区土地集约利用监测统计 (parkatlas monitor): 供地方式 (划拨 / 出让 / 租赁 / 作价出资),
          // the paid term's end (土地使用权终止日期), and a monitoring class set by hand
          // (A2, B11, D21, G … : overrides what is derived from the layers).
          {"supply_tp", {"GDFS", "供地方式", "供应方式", "土地使用权类型", "SYQLX"}},
          {"term_end", {"ZZRQ", "终止日期", "使用权终止日期", "土地使用终止日期", "到期日期"}},
          {"mon_class", {"JCDL", "监测地类", "监测分类"}}}},
        {Role::PlanZones,
         {{"zone_id", {"DKBH", "地块编号", "控规编号"}},
          {"land_use", {"YDDM", "YDXZ", "用地代码", "用地性质"}},
          {"far_min", {"RJLXX", "容积率下限", "最小容积率"}},
          {"far_max", {"RJL", "RJLSX", "容积率", "容积率上限", "最大容积率"}},
          {"cover_min", {"JZMD", "JZXS", "建筑密度", "建筑系数"}},
          {"green_max", {"LDL", "绿地率"}}}},
        {Role::Acquisition,
         {{"batch_id", {"PC", "PCH", "批次", "批次号"}},
          {"name", {"MC", "名称", "项目名称"}},
          {"village", {"CUN", "ZLDWMC", "村", "村名", "行政村", "坐落单位名称"}},
          {"vgroup", {"ZU", "组", "村民小组"}},
          {"stage", {"JD", "阶段", "进度阶段"}},
          // 纠纷: a flag (1/0, or 是/否 as ledgers write it), apart from the stage.
          {"dispute", {"纠纷", "是否纠纷"}},
          {"households", {"HS", "户数", "户"}},
          {"persons", {"RS", "人数", "人口", "人"}},
          {"approved", {"PF", "批复", "批准文号", "是否批准"}},
          // The date of the approval (批而未供 counts its period from it).
          {"appr_date", {"PZRQ", "批准日期", "批复日期", "批准时间", "批复时间"}},
          {"compensate", {"BCK", "补偿款", "补偿金额"}},
          {"resettle", {"AZD", "安置点"}}}},
        {Role::IdleLand,
         {{"case_id", {"AJBH", "案件编号", "编号"}},
          {"parcel_id", {"ZDDM", "DKBH", "宗地代码", "宗地编号", "地块编号"}},
          {"kind", {"LX", "类型", "闲置类型"}},
          {"stage", {"JD", "阶段", "处置阶段"}},
          {"fee", {"XZF", "闲置费"}}}},
        {Role::Roads,
         {{"name", {"MC", "DLMC", "道路名称", "名称"}},
          {"road_class", {"DJ", "道路等级", "等级"}},
          {"width_m", {"HXKD", "红线宽度", "宽度"}},
          {"lot", {"BD", "标段"}},
          {"contract", {"HTJ", "合同价", "合同金额"}},
          {"stage", {"JD", "阶段"}},
          {"progress", {"JDBFB", "进度", "完成比例"}},
          {"plan_year", {"JHND", "计划年度", "年度"}}}},
        {Role::Pipelines,
         {{"name", {"MC", "名称", "管线名称"}},
          {"kind", {"GXLX", "管线类型", "类型", "种类"}},
          {"diam_mm", {"GJ", "管径"}},
          {"volt_kv", {"DY", "电压"}},
          {"lot", {"BD", "标段"}},
          {"contract", {"HTJ", "合同价", "合同金额"}},
          {"stage", {"JD", "阶段"}},
          {"progress", {"JDBFB", "进度", "完成比例"}}}},
        {Role::Facilities,
         {{"name", {"MC", "名称", "设施名称"}},
          {"kind", {"LX", "类型"}},
          {"capacity", {"GM", "规模", "能力"}},
          {"stage", {"JD", "阶段"}},
          {"progress", {"JDBFB", "进度"}}}},
        {Role::Buildings, {{"floors", {"CS", "层数"}}, {"height_m", {"GD", "高度"}}}},
        {Role::Protected, {{"name", {"MC", "名称"}}, {"kind", {"LX", "类型", "管控类型"}}}},
        {Role::Expansion,
         {{"name", {"MC", "名称", "方案名称"}},
          {"land_use", {"YDDM", "用地性质", "用地代码"}},
          {"note", {"BZ", "备注"}}}},
    };
    static const std::map<Role, std::vector<ContractField>> kFields = [] {
        std::map<Role, std::vector<ContractField>> fields;
        for (const auto& [role, own] : kOwnFields)
            fields[role] = withCommonSpellings(own);
        return fields;
    }();
    return kFields.at(role);
}

} // namespace parkatlas::geo
