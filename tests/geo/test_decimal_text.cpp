#include "geo/decimal_text.h"
#include "geo/model/layer.h"
#include "tests/support/decimal_comma_locale.h"

#include <gtest/gtest.h>

#include <clocale>
#include <cmath>
#include <string>

using namespace parkatlas::geo;

using parkatlas::test::DecimalCommaLocale;

TEST(DecimalTextTest, NumbersInTextReadTheSameUnderADecimalCommaLocale)
{
    const DecimalCommaLocale locale;
    ASSERT_TRUE(locale.active()) << "no decimal-comma locale: run scripts/setup (it generates "
                                    "de_DE.UTF-8)";
    ASSERT_EQ(std::string(std::localeconv()->decimal_point), ",");
    EXPECT_EQ(parseDecimal("1.5"), 1.5);
    EXPECT_EQ(parseDecimal(" +2.25 "), 2.25);
    EXPECT_EQ(parseDecimal("-3e2"), -300.0);
    EXPECT_FALSE(parseDecimal("1,5"));
    EXPECT_FALSE(parseDecimal("1.5 万元"));
    EXPECT_FALSE(parseDecimal(""));
    EXPECT_EQ(formatReal15(1.5), "1.5");
    EXPECT_EQ(formatReal15(0.1 + 0.2), "0.3");

    // The attribute table: a text field holding numbers, a real field shown as text.
    AttributeTable table;
    table.setFields({{"tax", FieldType::String}, {"fee", FieldType::Real}});
    table.setText(0, "4.2");
    table.setText(1, "1.5");
    table.commitRow();
    EXPECT_EQ(table.number(0, 0), 4.2);
    EXPECT_EQ(table.number(0, 1), 1.5);
    EXPECT_EQ(table.text(0, 1), "1.5");
}
