#include "app/cli/command_line.h"

#include "geo/io/text_table.h"
#include "geo/model/display_names.h"
#include "geo/model/issue_text.h"

#include <algorithm>
#include <sstream>

namespace parkatlas::cli {

CommandLine::CommandLine(std::string command, std::string synopsis, std::string description)
    : m_command(std::move(command)), m_synopsis(std::move(synopsis)),
      m_description(std::move(description))
{
}

void CommandLine::addFlag(std::string name, std::string help)
{
    m_specs.push_back({std::move(name), {}, std::move(help), false});
}

void CommandLine::addOption(std::string name, std::string metavar, std::string help,
                            bool repeatable)
{
    m_specs.push_back({std::move(name), std::move(metavar), std::move(help), repeatable});
}

void CommandLine::addPositional(std::string name, std::string help, bool required)
{
    m_positionals.push_back({std::move(name), std::move(help), required});
}

void CommandLine::addRepeatedPositional(std::string name, std::string help)
{
    m_positionals.push_back({std::move(name), std::move(help), true, true});
}

std::string CommandLine::optionHelp(std::string_view name) const
{
    const Spec* spec = find(name);
    return spec ? spec->help : std::string();
}

const CommandLine::Spec* CommandLine::find(std::string_view name) const
{
    for (const Spec& spec : m_specs)
        if (spec.name == name)
            return &spec;
    return nullptr;
}

void CommandLine::parse(const std::vector<std::string>& args)
{
    bool optionsEnded = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (!optionsEnded && (arg == "--help" || arg == "-h")) {
            m_help = true;
            return;
        }
        if (!optionsEnded && arg == "--") {
            optionsEnded = true;
            continue;
        }
        if (!optionsEnded && arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
            std::string name = arg.substr(2);
            std::string value;
            bool inlineValue = false;
            if (const auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                inlineValue = true;
            }
            const Spec* spec = find(name);
            if (!spec)
                throw UsageError("unknown option --" + name + " for '" + m_command + "'");
            if (spec->metavar.empty()) {
                if (inlineValue)
                    throw UsageError("--" + name + " takes no value");
                m_given.emplace_back(name, "");
                continue;
            }
            if (!inlineValue) {
                if (i + 1 >= args.size())
                    throw UsageError("--" + name + " needs a value (" + spec->metavar + ")");
                value = args[++i];
            }
            if (!spec->repeatable && has(name))
                throw UsageError("--" + name + " given twice");
            m_given.emplace_back(name, value);
            continue;
        }
        if (!optionsEnded && arg.size() > 1 && arg[0] == '-' && arg != "-")
            throw UsageError("unknown option " + arg + " for '" + m_command + "'");
        if (m_positionalValues.size() >= m_positionals.size() &&
            !(!m_positionals.empty() && m_positionals.back().repeated))
            throw UsageError("unexpected argument '" + arg + "'");
        m_positionalValues.push_back(arg);
    }
    for (std::size_t i = m_positionalValues.size(); i < m_positionals.size(); ++i)
        if (m_positionals[i].required)
            throw UsageError("missing " + m_positionals[i].name);
}

namespace {

/// Word-wraps `text` to `width` display columns, every line after the first indented by
/// `indent` spaces (CJK text has no spaces; it is kept whole).
std::string wrap(const std::string& text, std::size_t width, std::size_t indent,
                 std::size_t startColumn = 0)
{
    std::istringstream words(text);
    std::string word, out;
    std::size_t column = startColumn;
    bool first = true;
    while (words >> word) {
        const std::size_t length = geo::displayWidth(word);
        if (!first && column + 1 + length > width) {
            out += '\n';
            out.append(indent, ' ');
            column = indent;
        } else if (!first) {
            out += ' ';
            ++column;
        }
        out += word;
        column += length;
        first = false;
    }
    return out;
}

/// Wraps Chinese `text` to `width` display columns as wrap() does English: a line may also
/// break before or after any wide (CJK) character, never before closing punctuation.
std::string wrapWide(const std::string& text, std::size_t width, std::size_t indent,
                     std::size_t startColumn = 0)
{
    struct Token {
        std::string text;
        bool spaceBefore = false;
    };
    std::vector<Token> tokens;
    bool space = false, inWord = false;
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        const std::string character = text.substr(i, length);
        i += length;
        if (character == " " || character == "\n" || character == "\t") {
            space = true;
            inWord = false;
            continue;
        }
        const bool wide = geo::displayWidth(character) > 1;
        static const std::string kClosing = "，。；：、）」』”！？》";
        const bool closing = wide && kClosing.find(character) != std::string::npos;
        if (!tokens.empty() && !space && (closing || (inWord && !wide))) {
            tokens.back().text += character;
        } else {
            tokens.push_back({character, space});
        }
        inWord = !wide;
        space = false;
    }
    std::string out;
    std::size_t column = startColumn;
    bool first = true;
    for (const Token& token : tokens) {
        const std::size_t length = geo::displayWidth(token.text);
        const std::size_t gap = token.spaceBefore && !first ? 1 : 0;
        if (!first && column + gap + length > width) {
            out += '\n';
            out.append(indent, ' ');
            column = indent;
        } else if (gap) {
            out += ' ';
            ++column;
        }
        out += token.text;
        column += length;
        first = false;
    }
    return out;
}

/// What goes between an option (or argument) and its help so the help starts at column 24: a
/// term too long for that puts its help on the next line, so the two never run together.
std::string helpColumn(const std::string& term)
{
    return term.size() < 22 ? std::string(22 - term.size(), ' ') : "\n" + std::string(24, ' ');
}

} // namespace

std::string CommandLine::help() const
{
    if (geo::languageFromEnvironment() == geo::Language::Chinese)
        return chineseHelp();
    std::ostringstream out;
    const std::size_t usageIndent = std::string("usage: parkatlas  ").size() + m_command.size();
    out << "usage: parkatlas " << m_command << " " << wrap(m_synopsis, 96, usageIndent, usageIndent)
        << "\n\n"
        << wrap(m_description, 96, 0) << "\n";
    if (!m_positionals.empty()) {
        out << "\narguments:\n";
        for (const Positional& p : m_positionals)
            out << "  " << p.name << helpColumn(p.name) << wrap(p.help, 96, 24, 24) << "\n";
    }
    out << "\noptions:\n";
    for (const Spec& spec : m_specs) {
        std::string left = "--" + spec.name + (spec.metavar.empty() ? "" : " " + spec.metavar);
        out << "  " << left << helpColumn(left) << wrap(spec.help, 96, 24, 24) << "\n";
    }
    out << "  --help                show this help\n";
    return out.str();
}

std::string CommandLine::chineseHelp() const
{
    // The help texts are phrases of styles/cli_help.json; one it lacks stays in English.
    const auto said = [](const std::string& english) {
        return geo::messagePartText(english, geo::Language::Chinese);
    };
    std::ostringstream out;
    const std::size_t usageIndent = geo::displayWidth("用法：parkatlas ") + m_command.size() + 1;
    out << "用法：parkatlas " << m_command << " " << wrap(m_synopsis, 96, usageIndent, usageIndent)
        << "\n\n"
        << wrapWide(said(m_description), 96, 0) << "\n";
    if (!m_positionals.empty()) {
        out << "\n参数：\n";
        for (const Positional& p : m_positionals)
            out << "  " << p.name << helpColumn(p.name) << wrapWide(said(p.help), 96, 24, 24)
                << "\n";
    }
    out << "\n选项：\n";
    for (const Spec& spec : m_specs) {
        std::string left = "--" + spec.name + (spec.metavar.empty() ? "" : " " + spec.metavar);
        out << "  " << left << helpColumn(left) << wrapWide(said(spec.help), 96, 24, 24) << "\n";
    }
    out << "  --help                显示本帮助\n";
    return out.str();
}

bool CommandLine::has(std::string_view name) const
{
    return std::any_of(m_given.begin(), m_given.end(),
                       [&](const auto& given) { return given.first == name; });
}

std::string CommandLine::value(std::string_view name, std::string fallback) const
{
    for (auto it = m_given.rbegin(); it != m_given.rend(); ++it)
        if (it->first == name)
            return it->second;
    return fallback;
}

std::vector<std::string> CommandLine::values(std::string_view name) const
{
    std::vector<std::string> out;
    for (const auto& given : m_given)
        if (given.first == name)
            out.push_back(given.second);
    return out;
}

std::string CommandLine::positional(std::string_view name) const
{
    for (std::size_t i = 0; i < m_positionals.size(); ++i)
        if (m_positionals[i].name == name)
            return i < m_positionalValues.size() ? m_positionalValues[i] : std::string();
    return {};
}

std::vector<std::string> CommandLine::positionals(std::string_view name) const
{
    for (std::size_t i = 0; i < m_positionals.size(); ++i) {
        if (m_positionals[i].name != name)
            continue;
        if (i >= m_positionalValues.size())
            return {};
        if (!m_positionals[i].repeated)
            return {m_positionalValues[i]};
        return {m_positionalValues.begin() + static_cast<std::ptrdiff_t>(i), m_positionalValues.end()};
    }
    return {};
}

} // namespace parkatlas::cli
