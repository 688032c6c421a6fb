#include "geo/model/role.h"

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

namespace {
std::string lowerAscii(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}
} // namespace

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
    std::string lower(name);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.compare(lower.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0 &&
           roleFromLayerName(std::string_view(name).substr(0, name.size() - kSuffix.size()));
}

const std::vector<ContractField>& contractFields(Role role)
{
    // The conventional names fit a DBF's 10 characters; aliases are the survey codes (第三次
    // 国土调查 / 地籍调查 style) and the Chinese column names that real ledgers use.
    static const std::map<Role, std::vector<ContractField>> kFields = {
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
           {"credit_code", "credit_cod", "USCC", "TYSHXYDM", "统一社会信用代码", "信用代码"}}}},
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
    return kFields.at(role);
}

} // namespace parkatlas::geo
