// A small registry of made-up settings for the scenario loader's tests (independent of the mail
// model's real settings), covering every setting type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario/registry.hpp"

namespace mailstorm::models::scenario::testing {

// A spec from positional fields (g++ 12 warns about designated initializers that skip fields).
inline SettingSpec spec(std::string name, SettingType type, Value default_value,
                        std::string unit = {}, std::optional<double> min = {},
                        std::optional<double> max = {}, std::vector<std::string> choices = {},
                        std::string help = {}, std::string real_world = {}) {
  SettingSpec s;
  s.name = std::move(name);
  s.type = type;
  s.default_value = std::move(default_value);
  s.unit = std::move(unit);
  s.min = min;
  s.max = max;
  s.choices = std::move(choices);
  s.help = std::move(help);
  s.real_world = std::move(real_world);
  return s;
}

inline Registry test_registry() {
  using T = SettingType;
  Registry r;
  r.add(spec("list.members", T::integer, std::int64_t{2000}, "members", 1, 100000, {},
             "Number of subscribers.", "Mailman 3 member count"));
  r.add(spec("list.posting_policy", T::choice, std::string("open"), "", {}, {},
             {"open", "moderated", "members_only"}, "Who may post | pipe in help.",
             "Mailman 3 default_member_action"));
  r.add(spec("list.reply_to_list", T::boolean, false, "", {}, {}, {}, "Reply-To munging.",
             "Mailman 3 reply_goes_to_list"));
  r.add(spec("mail.delivery_delay", T::duration, sim::minutes(90), "s", 0.0, 30.0 * 86400, {},
             "Typical delivery delay."));
  r.add(spec("mail.send_rate", T::rate, 20.0, "per s", 0.0, 1000.0, {}, "Outbound rate limit."));
  r.add(spec("behaviour.reply_probability", T::probability, 0.25, "", {}, {}, {},
             "Chance a reader replies."));
  r.add(spec("behaviour.mean_reply_size", T::real, 3000.0, "bytes", 0.0, {}, {},
             "Mean size of a reply."));
  r.add(spec("world.start", T::datetime, std::string("2000-06-24T13:17:00+09:00"), "", {}, {}, {},
             "Start of the storm."));
  r.add(spec("world.members_file", T::path, std::string(""), "", {}, {}, {}, "Member list."));
  r.add(spec("world.label", T::text, std::string("storm"), "", {}, {}, {}, "Free label."));
  r.add(spec("hosts.smtp.retry_interval", T::duration, sim::minutes(15), "s", 1.0, {}, {},
             "SMTP retry interval."));
  return r;
}

}  // namespace mailstorm::models::scenario::testing
