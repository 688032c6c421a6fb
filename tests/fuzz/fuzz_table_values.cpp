// The ledger cell parsers of the table join (geo/io/table_join.h) on one cell's text: dates
// (Excel serials, 2026年6月30日, 2026.6.30 …), money (元/万元/亿元 from the cell or the header),
// numbers and areas, keys. A known date must be a real YYYY-MM-DD that reads back; a known
// amount or number must be finite; half-width text of valid UTF-8 stays valid UTF-8.

#include "geo/io/encoding.h"
#include "geo/io/table_join.h"
#include "geo/model/layer.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace parkatlas;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view cell(reinterpret_cast<const char*>(data), size);

    const geo::LedgerValue date = geo::parseLedgerDate(cell);
    if (date.state == geo::LedgerValue::State::Known) {
        if (date.text.size() != 10 || !geo::Date::parse(date.text) ||
            geo::Date::parse(date.text)->toIso() != date.text)
            __builtin_trap(); // a known date is a real ISO date
    }
    if (date.state == geo::LedgerValue::State::Invalid && date.why.empty())
        __builtin_trap(); // an unreadable cell says why

    for (const double headerUnit : {0.0, 0.0001, 1.0, 10000.0, 0.1}) {
        const geo::LedgerValue money = geo::parseLedgerMoney(cell, headerUnit);
        if (money.state == geo::LedgerValue::State::Known && !std::isfinite(money.number))
            __builtin_trap(); // never NaN or infinite (1e308亿 is too large, not inf)
    }
    for (const bool area : {false, true}) {
        const geo::LedgerValue number = geo::parseLedgerNumber(cell, area, area ? 666.5 : 1.0);
        if (number.state == geo::LedgerValue::State::Known && !std::isfinite(number.number))
            __builtin_trap();
    }
    (void)geo::moneyUnitOfHeader(cell);

    const std::string half = geo::halfWidth(cell);
    if (geo::isValidUtf8(cell) && !geo::isValidUtf8(half))
        __builtin_trap();
    const std::string key = geo::normalizeJoinKey(cell, true);
    if (geo::normalizeJoinKey(key, true) != key)
        __builtin_trap(); // normalising is idempotent
    return 0;
}
