(module
  ;; Memory, shared so that a second thread can screen other ranges of the same file (see json-log.ranges.ts):
  ;; the caller lays it out; `screen` reads [start, end) and writes (start, end, line) triples at `out`.
  (import "env" "memory" (memory 80 416 shared))
  (global $klen (export "klen") (mut i32) (i32.const 0))
  (global $pos (export "pos") (mut i32) (i32.const 0))
  (global $lines (export "lines") (mut i32) (i32.const 0))
  ;; Where the screen met a NUL byte (binary content), or -1.
  (global $nul (export "nul") (mut i32) (i32.const -1))
  ;; Lines longer than this are always listed: JavaScript skips them with a message, whatever their time.
  (global $maxline (export "maxline") (mut i32) (i32.const 0x7fffffff))
  ;; The time key as two overlapping little-endian words (length 4 to 8): two loads compare it.
  (global $k0 (export "k0") (mut i32) (i32.const 0))
  (global $k1 (export "k1") (mut i32) (i32.const 0))
  ;; The window's ends as 13-digit numbers read big-endian: digits 0-7 in *1, digits 8-12 in the top five
  ;; bytes of *0. Unsigned comparison of these words is numeric comparison of the instants; ends included.
  (global $lo1 (export "lo1") (mut i64) (i64.const 0))
  (global $lo0 (export "lo0") (mut i64) (i64.const 0))
  (global $hi1 (export "hi1") (mut i64) (i64.const -1))
  (global $hi0 (export "hi0") (mut i64) (i64.const -1))

  ;; The first line end (10) or NUL at or after $p, or $end. 32 bytes are tested per step; a byte below 11 is a
  ;; suspect (a tab, say, is one too), and the suspects' bit mask leads straight to each for a closer look.
  (func $find_nl (param $p i32) (param $end i32) (result i32)
    (local $a v128) (local $b v128) (local $m i32) (local $q i32) (local $c i32)
    (block $tail
      (loop $fast
        (br_if $tail (i32.gt_u (i32.add (local.get $p) (i32.const 32)) (local.get $end)))
        (local.set $a (i8x16.lt_u (v128.load (local.get $p)) (v128.const i8x16 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11)))
        (local.set $b (i8x16.lt_u (v128.load offset=16 (local.get $p)) (v128.const i8x16 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11 11)))
        (if (v128.any_true (v128.or (local.get $a) (local.get $b)))
          (then
            (local.set $m (i32.or (i8x16.bitmask (local.get $a)) (i32.shl (i8x16.bitmask (local.get $b)) (i32.const 16))))
            (loop $each
              (local.set $q (i32.add (local.get $p) (i32.ctz (local.get $m))))
              (local.set $c (i32.load8_u (local.get $q)))
              (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eqz (local.get $c))) (then (return (local.get $q))))
              (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
              (br_if $each (local.get $m)))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $fast)))
    (block $none
      (loop $byte
        (br_if $none (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $p)))
        (if (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eqz (local.get $c))) (then (return (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $byte)))
    (local.get $end))

  ;; Screen the complete lines of [start, end): count them, and list those that may be in the window
  ;; (anything but a 13-digit epoch-ms value at the expected place that falls outside the window); a line whose
  ;; value was read and found inside is listed with its index negated.
  ;; Stops after `cap` listed lines (written from `out_at` on), or at the start of a line holding a NUL byte (then $nul says where).
  ;; Sets $pos (next unread line start) and $lines; returns how many were listed.
  (func (export "screen") (param $start i32) (param $end i32) (param $guess i32) (param $cap i32) (param $out_at i32) (result i32)
    (local $p i32) (local $nl i32) (local $n i32) (local $lines i32) (local $k i32) (local $needs i32)
    (local $out i32) (local $v v128) (local $r v128) (local $a1 i64) (local $a0 i64)
    (local.set $p (local.get $start))
    (global.set $nul (i32.const -1))
    (block $stop
      (loop $line
        (local.set $nl (call $find_nl (local.get $p) (local.get $end)))
        (br_if $stop (i32.ge_u (local.get $nl) (local.get $end)))
        (if (i32.eqz (i32.load8_u (local.get $nl)))
          (then (global.set $nul (local.get $nl)) (br $stop)))
        (local.set $lines (i32.add (local.get $lines) (i32.const 1)))
        (local.set $needs (i32.const 1))
        ;; The key where the previous lines had it, followed by 13 digits and one more byte before the line end.
        (if (i32.and (i32.and (i32.gt_s (global.get $klen) (i32.const 0))
                              (i32.le_u (i32.sub (local.get $nl) (local.get $p)) (global.get $maxline)))
                     (i32.and (i32.gt_s (local.get $guess) (i32.const 0))
                              (i32.le_u (i32.add (i32.add (local.get $p) (local.get $guess)) (i32.add (global.get $klen) (i32.const 14))) (local.get $nl))))
          (then
            (local.set $k (i32.add (local.get $p) (local.get $guess)))
            ;; The key, not an escaped quote inside another key (`{"a \"time":1,…}`): no backslash before it.
            (if (i32.and (i32.and (i32.eq (i32.load (local.get $k)) (global.get $k0))
                                  (i32.eq (i32.load (i32.sub (i32.add (local.get $k) (global.get $klen)) (i32.const 4))) (global.get $k1)))
                         (i32.ne (i32.load8_u (i32.sub (local.get $k) (i32.const 1))) (i32.const 92)))
              (then
                (local.set $k (i32.add (local.get $k) (global.get $klen)))
                ;; 16 bytes from the value: digits in lanes 0-12 and none in lane 13 make a 13-digit number.
                (local.set $v (v128.load (local.get $k)))
                (if (i32.eq
                      (i32.and
                        (i8x16.bitmask (i8x16.lt_u (i8x16.sub (local.get $v) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48))
                                                   (v128.const i8x16 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10 10)))
                        (i32.const 0x3fff))
                      (i32.const 0x1fff))
                  (then
                    ;; Reverse the bytes: the digits then read as two big-endian words (the last three bytes
                    ;; after the number are masked off), and unsigned order is numeric order.
                    (local.set $r (i8x16.swizzle (local.get $v) (v128.const i8x16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0)))
                    (local.set $a1 (i64x2.extract_lane 1 (local.get $r)))
                    (local.set $a0 (i64.and (i64x2.extract_lane 0 (local.get $r)) (i64.const 0xffffffffff000000)))
                    (if (i32.or
                          (i32.or (i64.lt_u (local.get $a1) (global.get $lo1))
                                  (i32.and (i64.eq (local.get $a1) (global.get $lo1)) (i64.lt_u (local.get $a0) (global.get $lo0))))
                          (i32.or (i64.gt_u (local.get $a1) (global.get $hi1))
                                  (i32.and (i64.eq (local.get $a1) (global.get $hi1)) (i64.gt_u (local.get $a0) (global.get $hi0)))))
                      (then (local.set $needs (i32.const 0)))
                      ;; Inside the window for sure: the line's index is stored negated, so JavaScript skips its screen.
                      (else (local.set $needs (i32.const 2))))))))))
        (if (local.get $needs)
          (then
            (local.set $out (i32.add (local.get $out_at) (i32.mul (local.get $n) (i32.const 12))))
            (i32.store (local.get $out) (local.get $p))
            (i32.store offset=4 (local.get $out) (local.get $nl))
            (i32.store offset=8 (local.get $out)
              (select (i32.sub (i32.const 0) (local.get $lines)) (local.get $lines) (i32.eq (local.get $needs) (i32.const 2))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $p (i32.add (local.get $nl) (i32.const 1)))
        (br_if $stop (i32.ge_u (local.get $n) (local.get $cap)))
        (br $line)))
    (global.set $pos (local.get $p))
    (global.set $lines (local.get $lines))
    (local.get $n))
)
