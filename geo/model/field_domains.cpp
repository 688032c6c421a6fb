#include "geo/model/field_domains.h"

#include <map>
#include <utility>

namespace parkatlas::geo {

namespace {

using Domains = std::map<std::pair<Role, std::string>, std::vector<std::string>>;

const Domains& domains()
{
    static const Domains table = [] {
        const std::vector<std::string> worksStages = {"规划", "设计", "图审", "招投标", "在建",
                                                      "竣工"};
        Domains d;
        d[{Role::Boundary, "kind"}] = {"核准范围", "规划范围", "建成区", "起步区", "拓展区"};
        d[{Role::Acquisition, "stage"}] = {"调查摸底勘丈", "报征", "已批", "签约",
                                           "补偿",         "拆迁", "场平", "已供地"};
        d[{Role::IdleLand, "kind"}] = {"供而未用", "供多建少", "低效用地", "批而未供"};
        d[{Role::IdleLand, "stage"}] = {"调查", "认定", "征缴闲置费", "整改承诺", "依法收回",
                                        "盘活"};
        d[{Role::Roads, "road_class"}] = {"主干道", "次干道", "支路"};
        d[{Role::Roads, "stage"}] = worksStages;
        d[{Role::Pipelines, "kind"}] = {"给水", "污水", "雨水", "排洪", "燃气",
                                        "供热", "电力", "通信", "消防", "路灯"};
        d[{Role::Pipelines, "stage"}] = worksStages;
        d[{Role::Facilities, "kind"}] = {"标准厂房", "污水处理厂", "泵站",  "变电站",
                                         "供水厂",   "换热站",     "安置点"};
        d[{Role::Facilities, "stage"}] = worksStages;
        d[{Role::Protected, "kind"}] = {"永久基本农田", "生态保护红线", "河道蓝线", "高压走廊"};
        return d;
    }();
    return table;
}

} // namespace

const std::vector<std::string>& allowedValues(Role role, std::string_view contractField)
{
    static const std::vector<std::string> none;
    const auto it = domains().find({role, std::string(contractField)});
    return it == domains().end() ? none : it->second;
}

} // namespace parkatlas::geo
