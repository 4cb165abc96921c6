//! Seeded randomness: one ChaCha8 generator per purpose, all derived from the run's seed.
//!
//! ChaCha8 is a named, portable algorithm whose output never changes between library versions,
//! and its 64-bit stream id gives every transport and every traffic generator its own
//! independent stream. Drawing from separate streams means that adding a transport or a
//! `[[mail]]` block never shifts the numbers another one sees, and that the order in which
//! actors happen to run cannot change a result.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::time::Micros;

/// What a random stream is used for; part of its stream id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// A transport's attempts: per-message durations and failure draws.
    Transport(u32),
    /// The arrival spacing of one `[[mail]]` block.
    Mail(u32),
    /// The arrival spacing of one `[[incoming]]` block.
    Incoming(u32),
}

impl Stream {
    fn id(self) -> u64 {
        match self {
            Stream::Transport(i) => (1 << 32) | u64::from(i),
            Stream::Mail(i) => (2 << 32) | u64::from(i),
            Stream::Incoming(i) => (3 << 32) | u64::from(i),
        }
    }
}

/// A deterministic random stream.
///
/// The generator (320 bytes, most of it a buffer of output) is made on the first draw: every
/// transport and every `[[mail]]` block has a stream, and one whose durations are fixed and
/// whose attempts never fail never draws. Made early or late, it gives the same numbers.
#[derive(Debug, Clone)]
pub struct SimRng(Lazy);

#[derive(Debug, Clone)]
enum Lazy {
    /// Not drawn from yet: what makes the generator.
    Unmade {
        seed: u64,
        stream: u64,
    },
    Made(Box<ChaCha8Rng>),
}

impl SimRng {
    /// The stream for `purpose` under `seed`.
    pub fn new(seed: u64, purpose: Stream) -> Self {
        SimRng(Lazy::Unmade {
            seed,
            stream: purpose.id(),
        })
    }

    /// The generator, made now if it was not yet.
    #[inline]
    fn made(&mut self) -> &mut ChaCha8Rng {
        if let Lazy::Unmade { .. } = self.0 {
            self.make();
        }
        match &mut self.0 {
            Lazy::Made(rng) => rng,
            Lazy::Unmade { .. } => unreachable!("made above"),
        }
    }

    /// Makes the generator: once per stream, out of the way of every draw after the first.
    #[cold]
    #[inline(never)]
    fn make(&mut self) {
        if let Lazy::Unmade { seed, stream } = self.0 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(stream);
            self.0 = Lazy::Made(Box::new(rng));
        }
    }

    /// A uniform `u64`.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.made().next_u64()
    }

    /// A uniform float in `[0, 1)` with 53 bits of precision.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `true` with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// The position in the stream, in 32-bit words; with [`SimRng::rewind`] it lets a batch
    /// give back draws for attempts that never started.
    pub fn position(&self) -> u128 {
        match &self.0 {
            // A stream not drawn from is at its start.
            Lazy::Unmade { .. } => 0,
            Lazy::Made(rng) => rng.get_word_pos(),
        }
    }

    /// Returns to a position taken with [`SimRng::position`].
    pub fn rewind(&mut self, pos: u128) {
        if pos != 0 || matches!(self.0, Lazy::Made(_)) {
            self.made().set_word_pos(pos);
        }
    }
}

/// A duration that is fixed or drawn per use, as scenario files write `per_message` and `every`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Always this long.
    Fixed(Micros),
    /// Uniform between the bounds, inclusive.
    Uniform(Micros, Micros),
    /// Exponential with this mean.
    Exp(Micros),
}

impl Dist {
    /// Whether drawing consumes randomness.
    pub fn is_random(&self) -> bool {
        !matches!(self, Dist::Fixed(_))
    }

    /// The mean, for reports.
    pub fn mean(&self) -> Micros {
        match *self {
            Dist::Fixed(d) | Dist::Exp(d) => d,
            Dist::Uniform(a, b) => a / 2 + b / 2,
        }
    }

    /// Draws one duration, rounded to the nearest microsecond. A fixed duration draws nothing;
    /// a random one draws exactly one `u64`, so streams can be rewound arithmetically.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> Micros {
        match *self {
            Dist::Fixed(d) => d,
            Dist::Uniform(lo, hi) => {
                let span = u128::from(hi - lo) + 1;
                // Multiply-shift maps a u64 onto the span with one draw and no rejection loop.
                lo + ((u128::from(rng.next_u64()) * span) >> 64) as u64
            }
            Dist::Exp(mean) => {
                // 1 - u lies in (0, 1], so ln never sees zero. libm keeps the result identical
                // on every platform.
                let u = 1.0 - rng.unit();
                let x = -(mean as f64) * libm::log(u);
                round_half_up(x)
            }
        }
    }
}

/// `x ≥ 0` rounded to the nearest integer, halves away from zero: exactly what `libm::round`
/// gives, without a call. Below 2⁵³ the integer part converts exactly and `x - t` is exact, so
/// the comparison with 0.5 is too; from 2⁵³ on every float is already an integer.
#[inline]
fn round_half_up(x: f64) -> Micros {
    const EXACT: f64 = (1u64 << 53) as f64;
    if x >= EXACT {
        return x as Micros;
    }
    let t = x as Micros;
    t + u64::from(x - t as f64 >= 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_made_on_its_first_draw_is_the_one_made_at_once() {
        let mut eager = ChaCha8Rng::seed_from_u64(7);
        eager.set_stream(Stream::Transport(3).id());
        assert_eq!(eager.get_word_pos(), 0);
        let mut lazy = SimRng::new(7, Stream::Transport(3));
        assert_eq!(lazy.position(), 0);
        lazy.rewind(0);
        let first = eager.next_u64();
        assert_eq!(lazy.next_u64(), first);
        assert_eq!(lazy.position(), eager.get_word_pos());
        lazy.rewind(0);
        assert_eq!(lazy.next_u64(), first);
        let mut late = SimRng::new(7, Stream::Transport(3));
        late.rewind(2);
        assert_eq!(late.next_u64(), eager.next_u64());
    }

    #[test]
    fn streams_are_reproducible_and_independent() {
        let a: Vec<u64> = {
            let mut r = SimRng::new(7, Stream::Transport(0));
            (0..4).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = SimRng::new(7, Stream::Transport(0));
            (0..4).map(|_| r.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = SimRng::new(7, Stream::Transport(1));
            (0..4).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn uniform_stays_in_bounds_and_covers_them() {
        let mut r = SimRng::new(1, Stream::Mail(0));
        let d = Dist::Uniform(10, 12);
        let mut seen = [false; 3];
        for _ in 0..1000 {
            let x = d.sample(&mut r);
            assert!((10..=12).contains(&x));
            seen[(x - 10) as usize] = true;
        }
        assert_eq!(seen, [true; 3]);
    }

    #[test]
    fn exp_has_roughly_its_mean() {
        let mut r = SimRng::new(3, Stream::Incoming(0));
        let d = Dist::Exp(1_000_000);
        let n = 20_000;
        let total: u64 = (0..n).map(|_| d.sample(&mut r)).sum();
        let mean = total / n;
        assert!((950_000..1_050_000).contains(&mean), "mean {mean}");
    }

    #[test]
    fn rounding_is_libm_round() {
        let mut r = SimRng::new(5, Stream::Mail(1));
        let edges = [
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.499_999_999_999_999_94,
            4_503_599_627_370_495.5,
        ];
        let big = [9_007_199_254_740_993.0, 1e30, f64::INFINITY];
        let drawn = (0..100_000).map(|_| -1e6 * libm::log(1.0 - r.unit()));
        for x in edges.into_iter().chain(big).chain(drawn) {
            assert_eq!(round_half_up(x), libm::round(x) as Micros, "{x}");
        }
    }

    #[test]
    fn rewind_replays_draws() {
        let mut r = SimRng::new(9, Stream::Transport(2));
        let pos = r.position();
        let x = r.next_u64();
        r.next_u64();
        r.rewind(pos);
        assert_eq!(r.next_u64(), x);
    }
}
