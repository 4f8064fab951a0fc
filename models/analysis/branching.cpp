// The next-generation matrix of the storm and what follows from it (see branching.hpp for the
// assumptions). Every entry below names the code path of models/world/storm.cpp it stands for.
#include "models/analysis/branching.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

namespace mailstorm::models::analysis {
namespace {

constexpr std::size_t T(StormType t) { return static_cast<std::size_t>(t); }
constexpr std::size_t O(Output o) { return static_cast<std::size_t>(o); }
constexpr double kInf = std::numeric_limits<double>::infinity();

// P(Poisson(mu) >= n).
double poisson_tail(double mu, std::int64_t n) {
  if (n <= 0) return 1.0;
  double term = std::exp(-mu), cdf = 0;
  for (std::int64_t k = 0; k < n; ++k) {
    cdf += term;
    term *= mu / static_cast<double>(k + 1);
  }
  return std::max(0.0, 1.0 - cdf);
}

// E[min(D, 1 + Poisson(mean - 1))]: forward envelopes per forward (storm.cpp forward(): k distinct
// contacts out of the forwarder's D). D is ContactGraph::draw_degree: a Pareto variable with tail
// exponent alpha - 1 and the minimum that gives the wanted mean, rounded, clamped to [1, 10000].
// E[min(D, N)] = sum_{j >= 1} P(D >= j) P(N >= j) for independent D and N.
double forward_fanout(const StormParams& p) {
  const double mu = std::max(0.0, p.behaviour.forward_contacts_mean - 1.0);
  if (p.contact_graph_from_file) return 1.0 + mu;  // degrees of a loaded graph: not modelled
  const double alpha = p.contacts_exponent;
  const double xmin = p.contacts_mean * (alpha - 2.0) / (alpha - 1.0);
  const double tail = alpha - 1.0;
  constexpr std::int64_t max_degree = 10000;
  double sum = 0;
  for (std::int64_t j = 1; j <= max_degree; ++j) {
    const double pn = poisson_tail(mu, j - 1);
    if (pn < 1e-15) break;
    double pd = 1.0;
    if (j >= 2) {
      const double t = static_cast<double>(j) - 0.5;  // D >= j  <=>  x + 0.5 >= j
      pd = (xmin > 0 && t > xmin) ? std::pow(xmin / t, tail) : (xmin > 0 ? 1.0 : 0.0);
    }
    sum += pd * pn;
  }
  return sum;
}

// Whether the list accepts a post of a member (or of the sender, for the first mail) with this
// many To+Cc recipients (storm.cpp list_receive(), in its order of checks).
double acceptance(const StormParams& p, bool poster_is_member, std::int32_t recipients) {
  if (p.list.emergency_moderation) return 0;
  switch (p.list.posting) {
    case PostingPolicy::open:
    case PostingPolicy::announce_only_misconfigured: break;
    case PostingPolicy::moderated:
    case PostingPolicy::announce_only: return 0;
    case PostingPolicy::members_only:
      if (!poster_is_member && p.list.nonmember != NonmemberAction::accept) return 0;
      break;
  }
  if (p.list.max_num_recipients > 0 && recipients >= p.list.max_num_recipients) return 0;
  return 1;
}

// The share of "remove me" requests the administrivia filter lets through.
double administrivia_pass(const StormParams& p) {
  const auto& b = p.behaviour;
  const double angry = std::max(0.0, 1.0 - b.wording_command - b.wording_polite);
  double pass = 0;
  if (!administrivia_holds(p.list.administrivia, RemoveWording::command_first_word)) pass += b.wording_command;
  if (!administrivia_holds(p.list.administrivia, RemoveWording::polite_sentence)) pass += b.wording_polite;
  if (!administrivia_holds(p.list.administrivia, RemoveWording::angry_sentence)) pass += angry;
  return pass;
}

// A short decimal for notes ("2", "0.75", "1.1").
std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

double total_posts(const Eigen::VectorXd& totals) {
  double s = 0;
  for (std::size_t t = 0; t < kTypes; ++t)
    if (is_list_post(t)) s += totals(static_cast<Eigen::Index>(t));
  return s;
}

}  // namespace

std::string_view type_name(std::size_t type) {
  static constexpr std::array<std::string_view, kTypes> names = {
      "first_mail_post", "list_reply_post", "remove_me_post", "stop_replying_post",
      "auto_reply_post", "forward_calm",    "forward_typical", "forward_reactive"};
  return names.at(type);
}

std::string_view output_name(std::size_t output) {
  static constexpr std::array<std::string_view, kOutputs> names = {
      "list_posts_accepted", "envelopes", "forwards", "complaints", "private_replies", "outsider_receptions"};
  return names.at(output);
}

BranchingModel build_branching(const StormParams& p, const BranchingAssumptions& a) {
  const BehaviourParams& b = p.behaviour;
  BranchingModel m;
  const auto n = static_cast<Eigen::Index>(kTypes);
  m.K = Eigen::MatrixXd::Zero(n, n);
  m.C = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(kOutputs), n);
  m.first_generation = Eigen::VectorXd::Zero(n);
  m.immigration = Eigen::VectorXd::Zero(n);
  auto K = [&](StormType child, std::size_t parent) -> double& {
    return m.K(static_cast<Eigen::Index>(T(child)), static_cast<Eigen::Index>(parent));
  };
  auto C = [&](Output o, std::size_t parent) -> double& {
    return m.C(static_cast<Eigen::Index>(O(o)), static_cast<Eigen::Index>(parent));
  };

  // Who reads a list copy: valid addresses (dead ones bounce, full ones bounce or wait), each
  // with probability 1 - reading.never_share (person_receives()).
  const double members = static_cast<double>(p.members);
  const double valid_share = std::max(0.0, 1.0 - p.dead_share - p.full_share);
  const double valid = members * valid_share;
  const double read = 1.0 - b.never_read;
  m.readers = valid * read;
  // Classes (draw_traits()): calm, typical, reactive, with their multipliers (class_multiplier()).
  m.class_share = {p.calm_share, std::max(0.0, 1.0 - p.calm_share - p.reactive_share), p.reactive_share};
  m.class_mult = {p.calm_multiplier, 1.0, p.reactive_multiplier};
  // Annoyance (on_read(): 1 + growth * min(storm_received, cap)) at the assumed reading count.
  m.annoyance = 1.0 + b.annoyance_growth * std::min(a.annoyance_received, static_cast<double>(b.annoyance_cap));
  // Concern of a reader of original content (first mail, chain forward): harmless + (alarming -
  // harmless) * alarm, times addressee_named_factor when the first mail names its addressee
  // (chain forwards inherit both from their root), times the class multiplier, capped at 1.
  double concern = b.concern_harmless + (b.concern_alarming - b.concern_harmless) * p.alarm;
  if (p.names_addressee) concern *= b.addressee_named_factor;
  for (std::size_t c = 0; c < 3; ++c) m.concern[c] = std::min(1.0, concern * m.class_mult[c]);
  // A class-averaged probability: sum_c share_c * min(1, rate * annoyance * multiplier_c).
  auto followup = [&](double rate) {
    double s = 0;
    for (std::size_t c = 0; c < 3; ++c) s += m.class_share[c] * std::min(1.0, rate * m.annoyance * m.class_mult[c]);
    return s;
  };
  double concerned = 0;  // P(a reader of original content is concerned), class-averaged
  for (std::size_t c = 0; c < 3; ++c) concerned += m.class_share[c] * m.concern[c];

  // Acceptance of each kind of post (list_receive()); members post the follow-ups.
  const double acc_reply_all = acceptance(p, true, 2);  // reply_all(): To author + list
  const double acc_one = acceptance(p, true, 1);        // post_to_list(): the list only
  const double acc_remove = acc_one * administrivia_pass(p);
  const bool munged = p.list.reply_to_list;
  const bool loops_caught = p.list.loop_detection && p.list.headers;
  const double loops = loops_caught ? 0.0 : std::min(static_cast<double>(p.forwarding_loops), valid);
  const double responders = valid * p.autoresponder_share;
  const double naive = responders * (1.0 - p.autoresponder_compliant_share);
  const double compliant = responders * p.autoresponder_compliant_share;
  const bool naive_every_post = p.autoresponder_naive_period.us <= 0;

  // Chain forwards: a concerned reader forwards with forward_share to E[min(D, 1 + Poisson(mean
  // - 1))] contacts; a contact is an existing vertex with probability contact_overlap (almost
  // always a member early on: dead or full with dead_share + full_share) or a new outsider
  // (always valid). Recipients' classes are drawn independently of the forwarder's.
  m.forward_fanout = forward_fanout(p);
  m.forward_delivered = 1.0 - p.contact_overlap * (p.dead_share + p.full_share);
  const double outsider_share = 1.0 - p.contact_overlap;
  const std::array<StormType, 3> fwd = {StormType::forward_calm, StormType::forward_typical, StormType::forward_reactive};

  const double copies = members + (p.sender_is_member ? 1.0 : 0.0);
  const double dsns = members * (p.dead_share + (p.mailbox_full_hard ? p.full_share : 0.0));

  // ---- parents that are accepted list posts (any kind): every reader of a list message draws
  // the list's follow-ups (on_read(), last block), whatever the post's content.
  for (std::size_t j = 0; j < kTypes; ++j) {
    if (!is_list_post(j)) continue;
    const double reply_alls = m.readers * followup(b.followup_reply_all);
    const double removes = m.readers * followup(b.remove_me);
    const double stops = m.readers * followup(b.stop_replying);
    // K[list_reply][post] = readers * sum_c share_c min(1, followup_reply_all * A * mult_c) * accept(2 recipients)
    K(StormType::list_reply_post, j) += reply_alls * acc_reply_all;
    // K[remove_me][post] = readers * sum_c share_c min(1, remove_me * A * mult_c) * accept(1) * administrivia pass share
    K(StormType::remove_me_post, j) += removes * acc_remove;
    // K[stop_replying][post] = readers * sum_c share_c min(1, stop_replying * A * mult_c) * accept(1)
    K(StormType::stop_replying_post, j) += stops * acc_one;
    // K[post][post] += forwarding loops (person_receives(): the same message back to the list,
    // unless loop detection sees the list headers).
    K(static_cast<StormType>(j), j) += loops * (j == T(StormType::remove_me_post) ? acc_remove : acc_one);
    // K[auto_reply][post] = naive responders, when they answer every post of a munged list.
    if (munged && naive_every_post) K(StormType::auto_reply_post, j) += naive * acc_one;

    C(Output::list_posts_accepted, j) = 1;
    // Envelopes: the list's copies, DSNs of dead (and hard-full) addresses, the follow-ups'
    // own envelopes (reply-all: author + list), the loops' re-sends, auto-replies that answer
    // the poster (compliant ones only when the copy carries no list headers).
    double env = copies + dsns + 2 * reply_alls + removes + stops + loops;
    if (!p.list.headers && p.list.envelope_sender == EnvelopeSenderPolicy::poster) env += compliant;
    if (!munged) env += naive;
    else if (naive_every_post) env += naive;
    C(Output::envelopes, j) = env;
  }
  // ---- the first mail's post additionally carries original content (on_read(), `original`).
  {
    const std::size_t j = T(StormType::first_mail_post);
    const double worried = m.readers * concerned;
    // K[list_reply][first] += readers * sum_c share_c concern_c * (reply_all_share * accept(2)
    //                         + private_reply_share * accept(1) if Reply-To is munged)
    K(StormType::list_reply_post, j) += worried * b.reply_all_share * acc_reply_all;
    if (munged) K(StormType::list_reply_post, j) += worried * b.private_reply_share * acc_one;
    // K[forward_c'][first] = readers * sum_c share_c concern_c * forward_share * fanout * share_c' * delivered
    const double fwd_env = worried * b.forward_share * m.forward_fanout;
    for (std::size_t c = 0; c < 3; ++c) K(fwd[c], j) += fwd_env * m.class_share[c] * m.forward_delivered;
    C(Output::envelopes, j) += worried * (2 * b.reply_all_share + b.private_reply_share) + fwd_env;
    C(Output::forwards, j) = fwd_env;
    C(Output::complaints, j) = worried * b.complain_share;
    C(Output::private_replies, j) = munged ? 0.0 : worried * b.private_reply_share;
    C(Output::outsider_receptions, j) = fwd_env * outsider_share;
    if (munged && !naive_every_post) C(Output::envelopes, j) += naive;
  }
  // ---- a chain forward delivered to a person of class c: read with 1 - never_share; concerned
  // with concern_c; replies privately (a reply-all of a non-list message is a private reply);
  // forwards with forward_share. No list follow-ups: it is not a list message.
  for (std::size_t c = 0; c < 3; ++c) {
    const std::size_t j = T(fwd[c]);
    const double worried = read * m.concern[c];
    const double fwd_env = worried * b.forward_share * m.forward_fanout;
    // K[forward_c'][forward_c] = (1 - never_share) concern_c forward_share fanout share_c' delivered
    for (std::size_t c2 = 0; c2 < 3; ++c2) K(fwd[c2], j) += fwd_env * m.class_share[c2] * m.forward_delivered;
    const double replies = worried * (b.reply_all_share + b.private_reply_share);
    C(Output::envelopes, j) = replies + fwd_env;
    C(Output::forwards, j) = fwd_env;
    C(Output::complaints, j) = worried * b.complain_share;
    C(Output::private_replies, j) = replies;
    C(Output::outsider_receptions, j) = fwd_env * outsider_share;
  }

  // ---- generation 0: the first mail, if the list accepts it from the sender.
  if (p.first_mail_to_list) {
    const double acc_first = acceptance(p, p.sender_is_member, 1);
    m.first_generation(static_cast<Eigen::Index>(T(StormType::first_mail_post))) = acc_first;
    // Naive responders on a munged list answer the first post they get, once per period.
    if (munged && !naive_every_post)
      m.immigration(static_cast<Eigen::Index>(T(StormType::auto_reply_post))) = acc_first * naive * acc_one;
  } else {
    m.notes.push_back("the first mail goes to the owner address: no list post, no storm");
  }

  // ---- what the approximation leaves out for this scenario.
  if (p.storm_protection.enabled)
    m.notes.push_back("storm protection blocks replies after " + std::to_string(p.storm_protection.minimum_replies) +
                      " replies: a cap the matrix does not see");
  if (p.operator_action != OperatorAction::none)
    m.notes.push_back("the operator acts " + num(p.operator_response_delay.hours()) + " h (of working time) after " +
                      std::to_string(p.operator_notice_after_posts) + " posts: a cap the matrix does not see");
  if (p.list.daily_threshold > 0) m.notes.push_back("the daily post threshold holds the list: a cap");
  if (p.list.verbosity_threshold > 0) m.notes.push_back("member verbosity limits are not modelled");
  if (b.annoyance_growth > 0)
    m.notes.push_back("annoyance taken at " + num(m.annoyance) +
                      "; members who have read many storm mails react up to " +
                      num(1.0 + b.annoyance_growth * static_cast<double>(b.annoyance_cap)) + " times as often");
  if (b.repeat_factor < 1) m.notes.push_back("members who reacted once react less (repeat_factor): ignored");
  if (p.sender_shutdown) m.notes.push_back("the sender's host shutdown (suspicion, more forwards and complaints): ignored");
  if (munged && !naive_every_post && naive > 0)
    m.notes.push_back("naive auto-responders answer the munged list once per period: immigration, not reproduction");
  if (!p.list.headers && p.list.envelope_sender == EnvelopeSenderPolicy::owner && compliant > 0)
    m.notes.push_back("compliant auto-replies to the owner (once per period): not counted");
  return m;
}

Dominant dominant_eigen(const Eigen::MatrixXd& K) {
  Dominant d;
  const auto n = K.rows();
  if (n == 0) return d;
  Eigen::EigenSolver<Eigen::MatrixXd> right(K, true);
  Eigen::EigenSolver<Eigen::MatrixXd> left(K.transpose(), true);
  auto best = [](const Eigen::EigenSolver<Eigen::MatrixXd>& es) {
    Eigen::Index k = 0;
    for (Eigen::Index i = 1; i < es.eigenvalues().size(); ++i)
      if (std::abs(es.eigenvalues()(i)) > std::abs(es.eigenvalues()(k)) + 1e-12 ||
          (std::abs(std::abs(es.eigenvalues()(i)) - std::abs(es.eigenvalues()(k))) <= 1e-12 &&
           es.eigenvalues()(i).real() > es.eigenvalues()(k).real()))
        k = i;
    return k;
  };
  const Eigen::Index kr = best(right), kl = best(left);
  d.R = std::abs(right.eigenvalues()(kr));
  // Perron vectors of a non-negative matrix have entries of one sign: take absolute values.
  d.right = right.eigenvectors().col(kr).real().cwiseAbs();
  d.left = left.eigenvectors().col(kl).real().cwiseAbs();
  const double sr = d.right.sum();
  if (sr > 0) d.right /= sr;
  const double dot = d.left.dot(d.right);
  if (dot > 0) d.left /= dot;
  return d;
}

double spectral_radius(const Eigen::MatrixXd& K) {
  if (K.rows() == 0) return 0;
  return K.eigenvalues().cwiseAbs().maxCoeff();
}

Eigen::VectorXd expected_totals(const Eigen::MatrixXd& K, const Eigen::VectorXd& x) {
  const auto n = K.rows();
  // reach(i, j): type j descends from type i (in one or more generations).
  std::vector<std::vector<bool>> reach(static_cast<std::size_t>(n), std::vector<bool>(static_cast<std::size_t>(n), false));
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) reach[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = K(j, i) > 0;
  for (std::size_t k = 0; k < reach.size(); ++k)
    for (std::size_t i = 0; i < reach.size(); ++i)
      if (reach[i][k])
        for (std::size_t j = 0; j < reach.size(); ++j)
          if (reach[k][j]) reach[i][j] = true;
  // A type explodes when it is reachable from the start and its class (the types it reaches and
  // is reached from) has a spectral radius >= 1; everything it reaches is then infinite too.
  std::vector<bool> started(static_cast<std::size_t>(n), false), infinite(static_cast<std::size_t>(n), false);
  for (Eigen::Index i = 0; i < n; ++i)
    if (x(i) > 0)
      for (Eigen::Index j = 0; j < n; ++j)
        if (j == i || reach[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]) started[static_cast<std::size_t>(j)] = true;
  for (std::size_t s = 0; s < reach.size(); ++s) {
    if (!started[s] || !reach[s][s]) continue;
    std::vector<Eigen::Index> cls;
    for (std::size_t u = 0; u < reach.size(); ++u)
      if (u == s || (reach[s][u] && reach[u][s])) cls.push_back(static_cast<Eigen::Index>(u));
    Eigen::MatrixXd sub(static_cast<Eigen::Index>(cls.size()), static_cast<Eigen::Index>(cls.size()));
    for (std::size_t a = 0; a < cls.size(); ++a)
      for (std::size_t b = 0; b < cls.size(); ++b) sub(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = K(cls[a], cls[b]);
    if (spectral_radius(sub) < 1.0) continue;
    infinite[s] = true;
    for (std::size_t u = 0; u < reach.size(); ++u)
      if (reach[s][u]) infinite[u] = true;
  }
  // The finite types descend from finite types only: (I - K_FF)^-1 x_F.
  std::vector<Eigen::Index> fin;
  for (Eigen::Index i = 0; i < n; ++i)
    if (!infinite[static_cast<std::size_t>(i)]) fin.push_back(i);
  Eigen::VectorXd out(n);
  for (Eigen::Index i = 0; i < n; ++i) out(i) = infinite[static_cast<std::size_t>(i)] ? kInf : 0.0;
  if (fin.empty()) return out;
  const auto f = static_cast<Eigen::Index>(fin.size());
  Eigen::MatrixXd A = Eigen::MatrixXd::Identity(f, f);
  Eigen::VectorXd b(f);
  for (Eigen::Index a = 0; a < f; ++a) {
    b(a) = x(fin[static_cast<std::size_t>(a)]);
    for (Eigen::Index c = 0; c < f; ++c) A(a, c) -= K(fin[static_cast<std::size_t>(a)], fin[static_cast<std::size_t>(c)]);
  }
  const Eigen::VectorXd y = A.partialPivLu().solve(b);
  for (Eigen::Index a = 0; a < f; ++a) out(fin[static_cast<std::size_t>(a)]) = y(a);
  return out;
}

Eigen::VectorXd extinction_probability(const BranchingModel& m) {
  const auto n = static_cast<Eigen::Index>(kTypes);
  Eigen::VectorXd q = Eigen::VectorXd::Zero(n), next(n);
  const std::array<StormType, 3> fwd = {StormType::forward_calm, StormType::forward_typical, StormType::forward_reactive};
  for (int it = 0; it < 100000; ++it) {
    for (Eigen::Index j = 0; j < n; ++j) {
      const auto tj = static_cast<std::size_t>(j);
      if (is_list_post(tj)) {
        // Poisson children of each type: G_j(q) = exp(sum_i K(i, j) (q_i - 1)).
        double s = 0;
        for (Eigen::Index i = 0; i < n; ++i) s += m.K(i, j) * (q(i) - 1.0);
        next(j) = std::exp(s);
      } else {
        // Forwards with probability a to N = 1 + Poisson(fanout - 1) contacts, each reached
        // (delivered) with probability `forward_delivered` and of class c' with share_c':
        // G_j(q) = 1 - a + a * s exp((fanout - 1)(s - 1)), s = 1 - d + d sum_c' share_c' q_c'.
        double a = 0, per = 0;
        for (std::size_t c = 0; c < 3; ++c) per += m.K(static_cast<Eigen::Index>(T(fwd[c])), j);
        if (m.forward_fanout > 0 && m.forward_delivered > 0) a = per / (m.forward_fanout * m.forward_delivered);
        double mix = 0;
        for (std::size_t c = 0; c < 3; ++c) mix += m.class_share[c] * q(static_cast<Eigen::Index>(T(fwd[c])));
        const double s = 1.0 - m.forward_delivered + m.forward_delivered * mix;
        const double mu = std::max(0.0, m.forward_fanout - 1.0);
        next(j) = 1.0 - a + a * s * std::exp(mu * (s - 1.0));
      }
    }
    const double change = (next - q).cwiseAbs().maxCoeff();
    q = next;
    if (change < 1e-13) break;
  }
  return q;
}

Analysis analyze(const StormParams& p, const BranchingAssumptions& a) {
  Analysis out;
  out.model = build_branching(p, a);
  out.dominant = dominant_eigen(out.model.K);
  const Eigen::VectorXd start = out.model.first_generation + out.model.immigration;
  const bool any = start.sum() > 0;
  out.totals = any ? expected_totals(out.model.K, start) : Eigen::VectorXd::Zero(start.size());
  out.outputs = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(kOutputs));
  for (Eigen::Index o = 0; o < out.outputs.size(); ++o) {
    double s = 0;
    for (Eigen::Index j = 0; j < out.totals.size(); ++j)
      if (out.model.C(o, j) != 0 && out.totals(j) != 0) s += out.model.C(o, j) * out.totals(j);
    out.outputs(o) = s;
  }
  out.outputs(static_cast<Eigen::Index>(O(Output::envelopes))) += 1;  // the first mail itself
  out.extinction = extinction_probability(out.model);
  {
    const auto f = static_cast<Eigen::Index>(T(StormType::first_mail_post));
    const auto ar = static_cast<Eigen::Index>(T(StormType::auto_reply_post));
    out.extinction_from_start = std::pow(out.extinction(f), out.model.first_generation(f)) *
                                std::exp(out.model.immigration(ar) * (out.extinction(ar) - 1.0));
  }
  {
    BranchingAssumptions annoyed = a;
    annoyed.annoyance_received = static_cast<double>(p.behaviour.annoyance_cap);
    out.R_annoyed = spectral_radius(build_branching(p, annoyed).K);
  }
  const double R = out.dominant.R;
  auto R_of = [&](const StormParams& q) { return spectral_radius(build_branching(q, a).K); };

  // ---- sensitivities: central differences (one-sided at a bound).
  struct Knob {
    const char* name;
    std::function<double&(StormParams&)> ref;
    double lo, hi;
  };
  auto beh = [](double BehaviourParams::*f) {
    return std::function<double&(StormParams&)>([f](StormParams& q) -> double& { return q.behaviour.*f; });
  };
  auto top = [](double StormParams::*f) {
    return std::function<double&(StormParams&)>([f](StormParams& q) -> double& { return q.*f; });
  };
  const std::vector<Knob> knobs = {
      {"behaviour.followup_reply_all", beh(&BehaviourParams::followup_reply_all), 0, 1},
      {"behaviour.remove_me", beh(&BehaviourParams::remove_me), 0, 1},
      {"behaviour.stop_replying", beh(&BehaviourParams::stop_replying), 0, 1},
      {"behaviour.annoyance_growth", beh(&BehaviourParams::annoyance_growth), 0, 1e9},
      {"behaviour.concern_alarming", beh(&BehaviourParams::concern_alarming), 0, 1},
      {"behaviour.concern_harmless", beh(&BehaviourParams::concern_harmless), 0, 1},
      {"behaviour.addressee_named_factor", beh(&BehaviourParams::addressee_named_factor), 0, 1e9},
      {"behaviour.reply_all_share", beh(&BehaviourParams::reply_all_share), 0, 1},
      {"behaviour.private_reply_share", beh(&BehaviourParams::private_reply_share), 0, 1},
      {"behaviour.forward_share", beh(&BehaviourParams::forward_share), 0, 1},
      {"behaviour.forward_contacts_mean", beh(&BehaviourParams::forward_contacts_mean), 1, 1e9},
      {"behaviour.remove_wording_command", beh(&BehaviourParams::wording_command), 0, 1},
      {"reading.never_share", beh(&BehaviourParams::never_read), 0, 1},
      {"first_mail.alarm", top(&StormParams::alarm), 0, 1},
      {"population.dead_share", top(&StormParams::dead_share), 0, 1},
      {"population.reactive_share", top(&StormParams::reactive_share), 0, 1},
      {"population.reactive_multiplier", top(&StormParams::reactive_multiplier), 0, 1e9},
      {"population.calm_share", top(&StormParams::calm_share), 0, 1},
      {"population.calm_multiplier", top(&StormParams::calm_multiplier), 0, 1e9},
      {"population.contacts_mean", top(&StormParams::contacts_mean), 1, 1e9},
      {"population.contact_overlap", top(&StormParams::contact_overlap), 0, 1},
      {"autoresponder.share", top(&StormParams::autoresponder_share), 0, 1},
  };
  for (const Knob& k : knobs) {
    StormParams q = p;
    const double v = k.ref(q);
    const double h = std::max(1e-9, 1e-4 * std::abs(v));
    const double lo = std::max(k.lo, v - h), hi = std::min(k.hi, v + h);
    if (hi <= lo) continue;
    k.ref(q) = hi;
    const double r_hi = R_of(q);
    k.ref(q) = lo;
    const double r_lo = R_of(q);
    Sensitivity s;
    s.name = k.name;
    s.value = v;
    s.dR = (r_hi - r_lo) / (hi - lo);
    s.elasticity = R > 0 ? v / R * s.dR : 0;
    out.sensitivities.push_back(s);
  }
  {  // population.members: R is linear in the list size for the list-post types.
    StormParams q = p;
    const std::int64_t step = std::max<std::int64_t>(1, p.members / 100);
    q.members = p.members + step;
    const double r_hi = R_of(q);
    q.members = std::max<std::int64_t>(1, p.members - step);
    const double r_lo = R_of(q);
    Sensitivity s;
    s.name = "population.members";
    s.value = static_cast<double>(p.members);
    s.dR = (r_hi - r_lo) / static_cast<double>(p.members + step - q.members);
    s.elasticity = R > 0 ? s.value / R * s.dR : 0;
    out.sensitivities.push_back(s);
  }
  std::stable_sort(out.sensitivities.begin(), out.sensitivities.end(),
                   [](const Sensitivity& x, const Sensitivity& y) { return std::abs(x.elasticity) > std::abs(y.elasticity); });

  // ---- single safeguards.
  struct Option {
    const char* name;
    const char* setting;
    std::function<bool(const StormParams&)> in_force;
    std::function<void(StormParams&)> apply;
    bool cap_only;
    const char* note;
  };
  const std::vector<Option> options = {
      {"posting policy enforced (announce-only)", "list.posting_policy=announce_only",
       [](const StormParams& q) { return q.list.posting == PostingPolicy::announce_only; },
       [](StormParams& q) { q.list.posting = PostingPolicy::announce_only; }, false, "only the owner posts"},
      {"moderated list", "list.posting_policy=moderated",
       [](const StormParams& q) { return q.list.posting == PostingPolicy::moderated; },
       [](StormParams& q) { q.list.posting = PostingPolicy::moderated; }, false, "every post held"},
      {"emergency moderation from the start", "list.emergency_moderation=true",
       [](const StormParams& q) { return q.list.emergency_moderation; },
       [](StormParams& q) { q.list.emergency_moderation = true; }, false, "every post held"},
      {"Reply-To not munged", "list.reply_goes_to_list=no_munging",
       [](const StormParams& q) { return !q.list.reply_to_list; },
       [](StormParams& q) { q.list.reply_to_list = false; }, false, "plain replies go to the author"},
      {"list headers and loop detection", "list.headers=true list.loop_detection=true",
       [](const StormParams& q) { return q.list.headers && q.list.loop_detection; },
       [](StormParams& q) {
         q.list.headers = true;
         q.list.loop_detection = true;
       },
       false, "compliant auto-responders fall silent, forwarding loops are caught"},
      {"broad administrivia filter", "list.administrivia=majordomo_broad",
       [](const StormParams& q) { return q.list.administrivia == AdministriviaFilter::majordomo_broad; },
       [](StormParams& q) { q.list.administrivia = AdministriviaFilter::majordomo_broad; }, false,
       "every 'remove me' held"},
      {"hold posts with 2+ recipients", "list.max_num_recipients=2",
       [](const StormParams& q) { return q.list.max_num_recipients == 2; },
       [](StormParams& q) { q.list.max_num_recipients = 2; }, false, "reply-alls (author + list) held"},
      {"neutral subject", "first_mail.alarm=0", [](const StormParams& q) { return q.alarm == 0; },
       [](StormParams& q) { q.alarm = 0; }, false, "less concern: fewer first replies and forwards"},
      {"addressee named", "first_mail.names_addressee=true",
       [](const StormParams& q) { return q.names_addressee; }, [](StormParams& q) { q.names_addressee = true; },
       false, "readers see the mail was not meant for them"},
      {"first mail to the owner address", "first_mail.to=owner",
       [](const StormParams& q) { return !q.first_mail_to_list; },
       [](StormParams& q) { q.first_mail_to_list = false; }, false, "no list post at all"},
      {"storm protection", "storm_protection.enabled=true",
       [](const StormParams& q) { return q.storm_protection.enabled; },
       [](StormParams& q) { q.storm_protection.enabled = true; }, true,
       "blocks replies after minimum_replies: bounds the storm, R unchanged"},
      {"operator on call", "operator.on_call=true", [](const StormParams& q) { return q.operator_on_call; },
       [](StormParams& q) { q.operator_on_call = true; }, true, "acts sooner: bounds the storm, R unchanged"},
      {"daily post threshold", "list.daily_threshold=20",
       [](const StormParams& q) { return q.list.daily_threshold > 0; },
       [](StormParams& q) { q.list.daily_threshold = 20; }, true, "holds the list after 20 posts a day: a cap"},
  };
  for (const Option& o : options) {
    StormParams q = p;
    Safeguard s;
    s.name = o.name;
    s.setting = o.setting;
    s.applicable = !o.in_force(p);
    s.cap_only = o.cap_only;
    s.note = o.note;
    o.apply(q);
    const BranchingModel mq = build_branching(q, a);
    s.R = spectral_radius(mq.K);
    BranchingAssumptions annoyed = a;
    annoyed.annoyance_received = static_cast<double>(q.behaviour.annoyance_cap);
    s.R_annoyed = spectral_radius(build_branching(q, annoyed).K);
    const Eigen::VectorXd st = mq.first_generation + mq.immigration;
    s.total_posts = st.sum() > 0 ? total_posts(expected_totals(mq.K, st)) : 0.0;
    out.safeguards.push_back(s);
  }
  std::stable_sort(out.safeguards.begin(), out.safeguards.end(), [](const Safeguard& x, const Safeguard& y) {
    if (x.applicable != y.applicable) return x.applicable;
    if (x.R != y.R) return x.R < y.R;
    return x.total_posts < y.total_posts;
  });
  return out;
}

}  // namespace mailstorm::models::analysis
