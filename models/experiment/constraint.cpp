// The sweep constraint: a recursive-descent evaluator (no tree is kept: points are few).
#include "models/experiment/constraint.hpp"

#include <cctype>
#include <charconv>
#include <variant>

namespace mailstorm::models::experiment {
namespace {

namespace sc = models::scenario;

struct Val {
  bool is_text = false;
  double num = 0;
  std::string text;
};

class Evaluator {
 public:
  Evaluator(std::string_view e, const sc::Scenario& s) : e_(e), s_(s) {}

  bool run() {
    const Val v = or_();
    space();
    if (i_ != e_.size()) fail("unexpected '" + std::string(e_.substr(i_, 12)) + "'");
    if (v.is_text) fail("the expression gives text, not a truth value");
    return v.num != 0;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ConstraintError("constraint \"" + std::string(e_) + "\", at character " +
                          std::to_string(i_ + 1) + ": " + what);
  }
  void space() {
    while (i_ < e_.size() && std::isspace(static_cast<unsigned char>(e_[i_]))) ++i_;
  }
  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  }
  // Takes `op` if it comes next (a word operator only when followed by a non-name character).
  bool take(std::string_view op) {
    space();
    if (e_.substr(i_, op.size()) != op) return false;
    if (std::isalpha(static_cast<unsigned char>(op[0])) && i_ + op.size() < e_.size() &&
        name_char(e_[i_ + op.size()]))
      return false;
    i_ += op.size();
    return true;
  }
  double number(const Val& v, const char* op) const {
    if (v.is_text) fail(std::string("'") + op + "' needs numbers, got the text '" + v.text + "'");
    return v.num;
  }
  static Val num(double x) { return Val{false, x, {}}; }

  Val or_() {
    Val v = and_();
    while (take("or") || take("||")) {
      const Val r = and_();
      v = num((number(v, "or") != 0 || number(r, "or") != 0) ? 1 : 0);
    }
    return v;
  }
  Val and_() {
    Val v = not_();
    while (take("and") || take("&&")) {
      const Val r = not_();
      v = num((number(v, "and") != 0 && number(r, "and") != 0) ? 1 : 0);
    }
    return v;
  }
  // Nesting (parentheses, not, unary minus) is limited so that no expression overflows the stack.
  struct Deeper {
    Evaluator& e;
    explicit Deeper(Evaluator& ev) : e(ev) {
      if (++e.depth_ > 100) e.fail("nested more than 100 levels deep");
    }
    ~Deeper() { --e.depth_; }
  };

  Val not_() {
    const Deeper guard(*this);
    if (take("not")) return num(number(not_(), "not") == 0 ? 1 : 0);
    space();
    if (i_ < e_.size() && e_[i_] == '!' && (i_ + 1 >= e_.size() || e_[i_ + 1] != '=')) {
      ++i_;
      return num(number(not_(), "!") == 0 ? 1 : 0);
    }
    return comparison();
  }
  Val comparison() {
    const Val a = sum();
    for (const char* op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (!take(op)) continue;
      const Val b = sum();
      const std::string_view o(op);
      if (a.is_text || b.is_text) {
        if (a.is_text != b.is_text) fail("cannot compare text with a number");
        if (o != "==" && o != "!=") fail("text compares only with == and !=");
        return num((a.text == b.text) == (o == "==") ? 1 : 0);
      }
      bool r = false;
      if (o == "==") r = a.num == b.num;
      else if (o == "!=") r = a.num != b.num;
      else if (o == "<=") r = a.num <= b.num;
      else if (o == ">=") r = a.num >= b.num;
      else if (o == "<") r = a.num < b.num;
      else r = a.num > b.num;
      return num(r ? 1 : 0);
    }
    return a;
  }
  Val sum() {
    Val v = product();
    while (true) {
      if (take("+")) v = num(number(v, "+") + number(product(), "+"));
      else if (take("-")) v = num(number(v, "-") - number(product(), "-"));
      else return v;
    }
  }
  Val product() {
    Val v = unary();
    while (true) {
      if (take("*")) v = num(number(v, "*") * number(unary(), "*"));
      else if (take("/")) v = num(number(v, "/") / number(unary(), "/"));
      else return v;
    }
  }
  Val unary() {
    const Deeper guard(*this);
    if (take("-")) return num(-number(unary(), "-"));
    return atom();
  }
  Val atom() {
    space();
    if (i_ >= e_.size()) fail("the expression ends too early");
    const char c = e_[i_];
    if (c == '(') {
      const Deeper guard(*this);
      ++i_;
      const Val v = or_();
      if (!take(")")) fail("expected ')'");
      return v;
    }
    if (c == '\'' || c == '"') {
      const std::size_t end = e_.find(c, i_ + 1);
      if (end == std::string_view::npos) fail("unterminated text");
      Val v{true, 0, std::string(e_.substr(i_ + 1, end - i_ - 1))};
      i_ = end + 1;
      return v;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      double x = 0;
      const auto [end, ec] = std::from_chars(e_.data() + i_, e_.data() + e_.size(), x);
      if (ec != std::errc()) fail("bad number");
      i_ = static_cast<std::size_t>(end - e_.data());
      return num(x);
    }
    if (!std::isalpha(static_cast<unsigned char>(c))) fail(std::string("unexpected '") + c + "'");
    const std::size_t start = i_;
    while (i_ < e_.size() && name_char(e_[i_])) ++i_;
    const std::string name(e_.substr(start, i_ - start));
    if (name == "true") return num(1);
    if (name == "false") return num(0);
    const sc::SettingSpec* spec = s_.registry().find(name);
    if (spec == nullptr) {
      i_ = start;
      std::string hint;
      const auto near = s_.registry().suggest(name);
      if (!near.empty()) hint = "; did you mean '" + near[0] + "'?";
      fail("unknown setting '" + name + "'" + hint);
    }
    switch (spec->type) {
      case sc::SettingType::boolean: return num(s_.boolean(name) ? 1 : 0);
      case sc::SettingType::integer: return num(static_cast<double>(s_.integer(name)));
      case sc::SettingType::real:
      case sc::SettingType::probability: return num(s_.real(name));
      case sc::SettingType::duration: return num(s_.duration(name).seconds());
      case sc::SettingType::rate: return num(s_.rate_per_s(name));
      default: return Val{true, 0, s_.text(name)};
    }
  }

  std::string_view e_;
  const sc::Scenario& s_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

bool constraint_holds(std::string_view expression, const scenario::Scenario& scenario) {
  return Evaluator(expression, scenario).run();
}

}  // namespace mailstorm::models::experiment
