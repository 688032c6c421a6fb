#pragma once

#include <clocale>

namespace parkatlas::test {

/// LC_NUMERIC set to a decimal-comma locale for the object's life (what Qt does from the
/// environment), the C locale after. active() is false when the machine has none (scripts/setup
/// generates de_DE.UTF-8).
class DecimalCommaLocale {
public:
    DecimalCommaLocale()
    {
        for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"})
            if (std::setlocale(LC_NUMERIC, name)) {
                m_active = true;
                break;
            }
    }
    ~DecimalCommaLocale() { std::setlocale(LC_NUMERIC, "C"); }
    DecimalCommaLocale(const DecimalCommaLocale&) = delete;
    DecimalCommaLocale& operator=(const DecimalCommaLocale&) = delete;
    bool active() const { return m_active; }

private:
    bool m_active = false;
};

} // namespace parkatlas::test
