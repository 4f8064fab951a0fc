// The storm as a multi-type branching process (MODEL.md section 7): the next-generation matrix
// K built from the scenario's parameters, its spectral radius R (the storm's reproduction
// number), the dominant eigenvectors, the expected totals (I - K)^-1 x0 when R < 1, the
// extinction probability when R > 1, the sensitivity of R to each parameter and the effect of
// each single safeguard.
//
// Assumptions of the approximation (the simulation has none of them):
//  - no saturation: every envelope is delivered at once; hosts never refuse or queue;
//  - annoyance at its starting value: a member reacting to a list message has read
//    `annoyance_received` storm messages (1 by default: the first mail), not the dozens a member
//    of a long storm has read (BranchingAssumptions::annoyance_received changes this);
//  - nobody has reacted before (no repeat_factor), nobody has read a clarification, nobody is
//    suspicious (the sender's host is up), the addresses reached by chain mail are fresh;
//  - no operator action, no daily threshold, no member verbosity limit, no storm protection
//    (these cap a storm after a number of posts or a time; they do not change R: see the
//    safeguard table, where they are marked as caps);
//  - infinite horizon: every copy is read eventually (with probability 1 - reading.never_share);
//  - naive auto-responders answer a munged list once per repeat period: they add one answer each
//    to the first generation after the first mail (immigration), not to every post, unless
//    their period is 0 (then they answer every post and are in K).
//  - bounce processing disables dead addresses only: they never read, so it does not change K.
#pragma once

#include <Eigen/Dense>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "models/world/params.hpp"

namespace mailstorm::models::analysis {

// The types of the process: what begets more storm mail.
enum class StormType : std::size_t {
  first_mail_post,     // the first mail accepted by the list (original content), or a loop's re-post of it
  list_reply_post,     // an accepted reply-all ("me too"), or a plain reply on a munged list
  remove_me_post,      // an accepted "please remove me"
  stop_replying_post,  // an accepted "stop replying to all"
  auto_reply_post,     // an accepted naive auto-reply to a munged list
  forward_calm,        // a chain forward delivered to a calm person (member or outsider)
  forward_typical,     // ... to a typical person
  forward_reactive,    // ... to a reactive person
  count_
};
inline constexpr std::size_t kTypes = static_cast<std::size_t>(StormType::count_);
std::string_view type_name(std::size_t type);
constexpr bool is_list_post(std::size_t type) { return type <= static_cast<std::size_t>(StormType::auto_reply_post); }

// Terminal outputs per individual of each type (what the simulation counts in Outcomes).
enum class Output : std::size_t {
  list_posts_accepted,  // 1 for each list-post type
  envelopes,            // envelopes created (approximates Outcomes::messages_total)
  forwards,             // chain-forward envelopes (Outcomes::forwards)
  complaints,           // Outcomes::complaints
  private_replies,      // private replies (to the sender or to a forwarder)
  outsider_receptions,  // chain forwards delivered to outsiders (>= Outcomes::outsiders_reached)
  count_
};
inline constexpr std::size_t kOutputs = static_cast<std::size_t>(Output::count_);
std::string_view output_name(std::size_t output);

struct BranchingAssumptions {
  // Storm messages a member has read when reacting (annoyance = 1 + growth * min(this, cap)).
  double annoyance_received = 1.0;
};

struct BranchingModel {
  // K(i, j): expected number of type-i children of one type-j individual (column = parent).
  Eigen::MatrixXd K;
  // Generation 0: the first mail as an accepted list post (0 when held or sent to the owner).
  Eigen::VectorXd first_generation;
  // One-off additions to generation 1 (naive auto-responders answering a munged list once).
  Eigen::VectorXd immigration;
  // C(o, j): expected terminal output o produced by one type-j individual (its own list copies,
  // the DSNs of its dead addresses, the private replies, complaints and forward envelopes of its
  // readers, held attempts).
  Eigen::MatrixXd C;
  // Figures the entries are made of, for reports.
  double readers = 0;               // members who read a list copy: valid members * (1 - never_share)
  double forward_fanout = 0;        // E[min(degree, 1 + Poisson(mean - 1))]: envelopes per forward
  double forward_delivered = 0;     // share of forward envelopes that reach a readable address
  std::array<double, 3> class_share{};  // calm, typical, reactive
  std::array<double, 3> class_mult{};
  std::array<double, 3> concern{};      // P(concerned | reads original content), by class
  double annoyance = 1;
  std::vector<std::string> notes;   // what the approximation leaves out for this scenario
};

BranchingModel build_branching(const StormParams& p, const BranchingAssumptions& a = {});

struct Dominant {
  double R = 0;            // spectral radius
  Eigen::VectorXd right;   // K v = R v, entries >= 0, summing to 1: the composition of a generation
  Eigen::VectorXd left;    // w K = R w, entries >= 0, w . right = 1: reproductive value of each type
};
// The spectral radius and the Perron eigenvectors of a non-negative matrix (Eigen's general
// eigensolver; the eigenvalue of largest modulus, which is real for a non-negative matrix).
Dominant dominant_eigen(const Eigen::MatrixXd& K);
double spectral_radius(const Eigen::MatrixXd& K);

// (I - K)^-1 x: the expected total number of individuals of each type over all generations
// from the start x. Types that descend from a supercritical class (spectral radius >= 1 of the
// types that descend from each other) get +infinity; the others, (I - K_FF)^-1 x_F over the
// finite types F (chain forwards stay finite while the list's replies explode).
Eigen::VectorXd expected_totals(const Eigen::MatrixXd& K, const Eigen::VectorXd& x);

// Probability that the line of one individual of each type dies out, assuming Poisson numbers of
// list-post children (thousands of readers each reacting rarely: binomial thinning) and, for a
// forward reception, "forwards with probability a to 1 + Poisson(mean - 1) contacts". The
// smallest fixed point of the generating functions, by iteration from 0.
Eigen::VectorXd extinction_probability(const BranchingModel& m);

// The whole analysis of one parameter set.
struct Sensitivity {
  std::string name;        // the scenario setting
  double value = 0;
  double dR = 0;           // dR/d(value), central finite difference
  double elasticity = 0;   // (value / R) dR/d(value): % change of R per % change of the setting
};
struct Safeguard {
  std::string name;        // what it is
  std::string setting;     // the --set that applies it
  double R = 0;
  double R_annoyed = 0;    // R with annoyance at its cap
  double total_posts = 0;  // expected accepted list posts (inf when R >= 1 and a first post exists)
  bool applicable = true;  // false when already in force
  bool cap_only = false;   // it limits the storm's size or duration but leaves R unchanged
  std::string note;
};
struct Analysis {
  BranchingModel model;
  Dominant dominant;
  Eigen::VectorXd totals;          // by type; +inf when R >= 1
  Eigen::VectorXd outputs;         // C * totals (+ C * 0 for the root), by Output
  Eigen::VectorXd extinction;      // by type
  double extinction_from_start = 1; // probability that the whole storm stays finite
  double R_annoyed = 0;             // R with annoyance at its cap (every member fully annoyed)
  std::vector<Sensitivity> sensitivities;
  std::vector<Safeguard> safeguards;  // sorted by R
};
Analysis analyze(const StormParams& p, const BranchingAssumptions& a = {});

}  // namespace mailstorm::models::analysis
