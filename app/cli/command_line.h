#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::cli {

/// Wrong use of the command line (exit code 2, with a pointer to --help).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The options of one subcommand, declared up front so that parsing is strict (an unknown
/// option is an error, not ignored) and --help is generated from the same declarations.
class CommandLine {
public:
    CommandLine(std::string command, std::string synopsis, std::string description);

    void addFlag(std::string name, std::string help);
    void addOption(std::string name, std::string metavar, std::string help,
                   bool repeatable = false);
    void addPositional(std::string name, std::string help, bool required = true);
    /// A last positional that takes one or more values ("SOURCE...").
    void addRepeatedPositional(std::string name, std::string help);

    /// Accepts "--name value", "--name=value", flags, and positionals in any order; "--"
    /// ends options. Throws UsageError.
    void parse(const std::vector<std::string>& args);

    bool helpRequested() const { return m_help; }
    /// The help, in Chinese under a zh locale (the texts from styles/cli_help.json; option
    /// names, metavariables and the synopsis as they are), else in English.
    std::string help() const;

    bool has(std::string_view name) const;
    /// The help text an option was declared with, "" when the command has no such option.
    std::string optionHelp(std::string_view name) const;
    std::string value(std::string_view name, std::string fallback = {}) const;
    std::vector<std::string> values(std::string_view name) const;
    std::string positional(std::string_view name) const;
    /// Every value of a repeated positional (the single value of another).
    std::vector<std::string> positionals(std::string_view name) const;

private:
    struct Spec {
        std::string name;
        std::string metavar; // empty for a flag
        std::string help;
        bool repeatable = false;
    };
    struct Positional {
        std::string name;
        std::string help;
        bool required;
        bool repeated = false;
    };
    const Spec* find(std::string_view name) const;
    std::string chineseHelp() const;

    std::string m_command, m_synopsis, m_description;
    std::vector<Spec> m_specs;
    std::vector<Positional> m_positionals;
    std::vector<std::pair<std::string, std::string>> m_given;
    std::vector<std::string> m_positionalValues;
    bool m_help = false;
};

} // namespace parkatlas::cli
