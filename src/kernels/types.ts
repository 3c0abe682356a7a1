/**
 * The kernel interface: every hot loop of the engine goes through one of these methods, so a
 * WebAssembly or native implementation slots in without touching the layers.
 *
 * Conventions for every method:
 * - Matrices are row-major; `ld*` is the row stride in elements (>= the logical row length), so a
 *   kernel may work on a block of a wider matrix. Nothing outside the logical block is touched.
 * - Float arrays are views handed out by `alloc` of the same backend; `subarray` views of them are
 *   fine. The compiled backends (WebAssembly, native) refuse any other float array with a
 *   ShapeError naming the kernel and the argument, the same way in every kernel: none copies it in
 *   or falls back to slower code. A layer that receives arrays from elsewhere copies them into
 *   arrays from `alloc` once, where they enter it. Int32Array ids and targets may be any array.
 * - Kernels never allocate user-visible memory and never validate shapes: the layers check shapes
 *   once at the public boundary.
 *
 * This interface is the one statement of each kernel's arguments: the backends type their methods
 * as `Kernels['name']` or `KernelArgs<'name'>`, and the WebAssembly exports
 * (wasm-exports.ts) and the native binding (native.ts) derive theirs from it with mapped types.
 */

/** Element storage: float32 in production, float64 for gradient checks (reference backend only). */
export type Floats = Float32Array | Float64Array;

export type DType = 'float32' | 'float64';

export interface Kernels {
  /** Short name for messages and `lstm info --backend`: 'js', 'js-f64', 'wasm', 'native'. */
  readonly name: string;
  readonly dtype: DType;

  /** A zero-filled array of `length` elements in this backend's memory. */
  alloc(length: number): Floats;

  /**
   * C (M, N) = beta · C + op(A) · op(B), beta ∈ {0, 1}.
   *   op(A) is (M, K): A is (M, K) with row stride lda, or (K, M) when transA.
   *   op(B) is (K, N): B is (K, N) with row stride ldb, or (N, K) when transB.
   */
  gemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    A: Floats,
    lda: number,
    B: Floats,
    ldb: number,
    C: Floats,
    ldc: number,
    beta: 0 | 1,
  ): void;

  /**
   * Pack op(B) (K, N) once into this backend's own layout, for many products with the same B
   * (the recurrent weight, reused at every time step). B is (K, N) with row stride ldb, or (N, K)
   * when transB; `packed` holds K·N elements and is only meaningful to gemmPrepacked.
   */
  packB(transB: boolean, K: number, N: number, B: Floats, ldb: number, packed: Floats): void;

  /** Elements a packed op(B) (K, N) needs: K·N, or more where the layout pads to whole tiles. */
  packedLength(K: number, N: number): number;

  /** C (M, N) = beta · C + A (M, K) · op(B), with op(B) from packB. A has row stride lda. */
  gemmPrepacked(
    M: number,
    N: number,
    K: number,
    A: Floats,
    lda: number,
    packed: Floats,
    C: Floats,
    ldc: number,
    beta: 0 | 1,
  ): void;

  /**
   * Optional: one LSTM layer's whole forward over T steps in one call, for backends that gain by
   * keeping each step's work together (the native addon: one barrier per step instead of a
   * product and a cell job). It must compute exactly what lstmForward's separate calls compute:
   *   for t < T: gates_t = bias + x_t · W_ihᵀ + h_t · W_hhᵀ, then lstmCellForward
   * x (T, B, D); wIh (4H, D), wHh (4H, H) as stored; packedWih = packB(true, D, 4H, wIh) and
   * packedWhh = packB(true, H, 4H, wHh), or both null for a single step (generation), where the
   * separate calls read W in place; bias (4H); gates (T, B, 4H) out; c, h (T + 1, B, H) with c_0,
   * h_0 set; tanhC (T, B, H) out. Returns false, having written nothing, for sizes it leaves to
   * the separate calls.
   */
  lstmLayerForward?(
    T: number,
    B: number,
    D: number,
    H: number,
    x: Floats,
    wIh: Floats,
    wHh: Floats,
    packedWih: Floats | null,
    packedWhh: Floats | null,
    bias: Floats,
    gates: Floats,
    c: Floats,
    tanhC: Floats,
    h: Floats,
  ): boolean;

  /** C (M, N) = broadcast of the row vector bias (N) to every row; C has row stride ldc. */
  fillRows(M: number, N: number, bias: Floats, C: Floats, ldc: number): void;

  /** out (N) += Σ_rows A (M, N): column sums, used for bias gradients. */
  addColumnSums(M: number, N: number, A: Floats, out: Floats): void;

  /**
   * Fused LSTM cell, forward, for one time step of a batch (gate order i, f, g, o):
   *   in:  gates (B, 4H) holds the pre-activations a; cPrev (B, H)
   *   out: gates (B, 4H) overwritten with [σ(a_i), σ(a_f), tanh(a_g), σ(a_o)],
   *        c (B, H) = f ⊙ cPrev + i ⊙ g,  tanhC (B, H) = tanh(c),  h (B, H) = o ⊙ tanhC
   */
  lstmCellForward(B: number, H: number, gates: Floats, cPrev: Floats, c: Floats, tanhC: Floats, h: Floats): void;

  /**
   * Fused LSTM cell, backward, for one time step (the mirror of lstmCellForward):
   *   in:  dh (B, H) total gradient into h_t; dc (B, H) gradient into c_t from step t+1;
   *        gates (B, 4H) activated gates; cPrev (B, H); tanhC (B, H)
   *   out: dGates (B, 4H) gradient w.r.t. the pre-activations a;
   *        dcPrev (B, H) = (dc + dh ⊙ o ⊙ (1 − tanh²c)) ⊙ f.  dcPrev may alias dc.
   */
  lstmCellBackward(
    B: number,
    H: number,
    dh: Floats,
    dc: Floats,
    gates: Floats,
    cPrev: Floats,
    tanhC: Floats,
    dGates: Floats,
    dcPrev: Floats,
  ): void;

  /** out (N, E): row n = table[ids[n]] (table is (V, E)). */
  gatherRows(N: number, E: number, table: Floats, ids: Int32Array, out: Floats): void;

  /** dTable (V, E): row ids[n] += dOut row n, for n < N. */
  scatterAddRows(N: number, E: number, dOut: Floats, ids: Int32Array, dTable: Floats): void;

  /**
   * Softmax cross-entropy over N rows of V logits, targets in [0, V).
   * Writes dLogits (N, V) = (softmax(logits) − onehot(target)) · gradScale (dLogits may alias
   * logits) and returns Σ_n −log softmax(logits_n)[target_n] (the summed loss, in nats).
   */
  softmaxCrossEntropy(
    N: number,
    V: number,
    logits: Floats,
    targets: Int32Array,
    dLogits: Floats,
    gradScale: number,
  ): number;

  /** probs (V) = softmax(logits / temperature) for one row; returns nothing. */
  softmaxRow(V: number, logits: Floats, temperature: number, probs: Floats): void;

  /** Σ x_i² over n elements, accumulated in float64. */
  sumSquares(n: number, x: Floats): number;

  /** x (n) *= s. */
  scale(n: number, x: Floats, s: number): void;

  /** y (n) += x (n). */
  addInPlace(n: number, x: Floats, y: Floats): void;

  /**
   * One Adam/AdamW update over n parameters (Kingma & Ba; Loshchilov & Hutter for decoupled decay):
   *   g' = g + l2 · p;  m = β1 m + (1 − β1) g';  v = β2 v + (1 − β2) g'²
   *   p −= lr · (m / bc1) / (√(v / bc2) + eps) + lr · decoupled · p
   * with bc1 = 1 − β1^t, bc2 = 1 − β2^t computed by the caller.
   */
  adamUpdate(
    n: number,
    p: Floats,
    g: Floats,
    m: Floats,
    v: Floats,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    l2: number,
    decoupled: number,
    bc1: number,
    bc2: number,
  ): void;

  /**
   * One SGD update with momentum over n parameters (PyTorch's form, dampening 0):
   *   g' = g + l2 · p;  buf = μ · buf + g';  step = nesterov ? g' + μ · buf : buf;  p −= lr · step
   */
  sgdUpdate(
    n: number,
    p: Floats,
    g: Floats,
    buf: Floats,
    lr: number,
    momentum: number,
    l2: number,
    nesterov: boolean,
  ): void;

  /**
   * The LSTM cell with options, forward, one time step (gate order i, f, g, o): the general
   * cell's pointwise work (src/nn/cells/lstm-cell.ts) with σ, tanh, tanh. With a = pre:
   *   a_i += p_i ⊙ cPrev;  a_f += p_f ⊙ cPrev                     (peepholes, written back into pre)
   *   i = σ(clip a_i);  f = coupled ? 1 − i : σ(clip a_f);  g = tanh(clip a_g)
   *   c = f ⊙ cPrev + i ⊙ g
   *   a_o += p_o ⊙ c (written back);  o = σ(clip a_o);  tanhC = tanh(c);  h = o ⊙ tanhC
   * pre (B, 4H) in: the summed pre-activations; out: the same with the peephole terms added (what
   * the clip saw, read by the backward). act (B, 4H) out: [i, f, g, o]; act may alias pre (then
   * pre is lost, which the backward allows only without a clip). cPrev, c, tanhC, h (B, H).
   * peep (3H) [p_i, p_f, p_o] or null; clip bounds each pre-activation to [−clip, clip], 0 = none
   * (ONNX clip: the cell state is never clipped); coupled: f = 1 − i (ONNX input_forget).
   */
  lstmCellOptionsForward(
    B: number,
    H: number,
    pre: Floats,
    act: Floats,
    cPrev: Floats,
    c: Floats,
    tanhC: Floats,
    h: Floats,
    peep: Floats | null,
    clip: number,
    coupled: boolean,
  ): void;

  /**
   * The LSTM cell with options, backward, one time step (the mirror of lstmCellOptionsForward;
   * s(a) = 0 where the clip held a at a bound, |a| > clip, else 1):
   *   in:  dh (B, H) total gradient into h_t; dc (B, H) gradient into c_t from step t+1; pre and act
   *        (B, 4H) as the forward left them (pre read only with a clip); cPrev, c, tanhC (B, H)
   *   da_o = dh ⊙ tanhC ⊙ o(1 − o) ⊙ s(a_o)
   *   dcTot = dc + dh ⊙ o ⊙ (1 − tanhC²) + p_o ⊙ da_o
   *   da_g = dcTot ⊙ i ⊙ (1 − g²) ⊙ s(a_g)
   *   di = dcTot ⊙ g − (coupled ? dcTot ⊙ cPrev : 0);  da_i = di ⊙ i(1 − i) ⊙ s(a_i)
   *   da_f = coupled ? 0 : dcTot ⊙ cPrev ⊙ f(1 − f) ⊙ s(a_f)
   *   out: dPre (B, 4H) = [da_i, da_f, da_g, da_o];
   *        dcPrev (B, H) = dcTot ⊙ f + p_i ⊙ da_i + p_f ⊙ da_f (may alias dc);
   *        with peepholes dPeep (3H) += Σ_rows [da_i ⊙ cPrev, da_f ⊙ cPrev, da_o ⊙ c], rows in
   *        order; dPeep is null when peep is.
   */
  lstmCellOptionsBackward(
    B: number,
    H: number,
    dh: Floats,
    dc: Floats,
    pre: Floats,
    act: Floats,
    cPrev: Floats,
    c: Floats,
    tanhC: Floats,
    peep: Floats | null,
    clip: number,
    coupled: boolean,
    dPre: Floats,
    dcPrev: Floats,
    dPeep: Floats | null,
  ): void;

  /** out (n) = x ⊙ y (element-wise product); out may alias x or y. */
  multiply(n: number, x: Floats, y: Floats, out: Floats): void;

  // The GRU and RNN cells' pointwise work for one time step (src/nn/cells/gru-cell.ts,
  // rnn-cell.ts) with their default activations: σ and tanh for the GRU, tanh or relu for the RNN.
  // clip bounds each pre-activation to [−clip, clip] before its activation (ONNX clip), 0 = none;
  // its slope is 0 where it holds a value at a bound. Gate rows are (B, 3H) in PyTorch's order
  // r, z, n; h̃ = h_{t−1} ⊙ m is the operand of the recurrent products (m the recurrent-dropout
  // mask, h̃ = h_{t−1} without it). linearBeforeReset picks the GRU form: true is PyTorch's
  // (hp_n = W_hn h̃ + b_hn, n = tanh(clip(xp_n + r ⊙ hp_n))), false the original
  // (hp_n = W_hn (r ⊙ h̃) + b_hn, n = tanh(clip(xp_n + hp_n))).

  /**
   * GRU step, forward, the reset and update gates (before n's recurrent product in the original form):
   *   in:  xp, hp (B, 3H) the input and recurrent products with their biases (only r, z read);
   *        hRec (B, H) = h̃ (read in the original form only)
   *   out: pre_{r,z} = xp_{r,z} + hp_{r,z};  act_{r,z} = σ(clip pre_{r,z})   (pre, act (B, 3H));
   *        original form: rh (B, H) = r ⊙ h̃ (the operand of W_hn); untouched before the reset.
   */
  gruGatesForward(
    B: number,
    H: number,
    xp: Floats,
    hp: Floats,
    hRec: Floats,
    pre: Floats,
    act: Floats,
    rh: Floats,
    clip: number,
    linearBeforeReset: boolean,
  ): void;

  /**
   * GRU step, forward, the candidate and the new state (after every recurrent product):
   *   pre_n = xp_n + (linearBeforeReset ? r ⊙ hp_n : hp_n);  act_n = n = tanh(clip pre_n)
   *   h (B, H) = (1 − z) ⊙ n + z ⊙ hPrev                      (xp, hp, pre, act (B, 3H))
   */
  gruCandidateForward(
    B: number,
    H: number,
    xp: Floats,
    hp: Floats,
    hPrev: Floats,
    pre: Floats,
    act: Floats,
    h: Floats,
    clip: number,
    linearBeforeReset: boolean,
  ): void;

  /**
   * GRU step, backward, the candidate's pre-activation (first: the original form needs
   * d(r ⊙ h̃) = dHP_n · W_hn before r's gradient):
   *   dXP_n = dh ⊙ (1 − z) ⊙ (1 − n²) ⊙ clip′(pre_n);  dHP_n = linearBeforeReset ? dXP_n ⊙ r : dXP_n
   * dh (B, H) the total gradient into h_t; pre, act (B, 3H) from the forward; dXP, dHP (B, 3H),
   * only the n blocks written.
   */
  gruCandidateBackward(
    B: number,
    H: number,
    dh: Floats,
    pre: Floats,
    act: Floats,
    dXP: Floats,
    dHP: Floats,
    clip: number,
    linearBeforeReset: boolean,
  ): void;

  /**
   * GRU step, backward, the reset and update gates' pre-activations (after gruCandidateBackward):
   *   dz = dh ⊙ (hPrev − n);  dr = linearBeforeReset ? dXP_n ⊙ hp_n : dRh ⊙ h̃
   *   dXP_r = dHP_r = dr ⊙ r(1 − r) ⊙ clip′(pre_r);  dXP_z = dHP_z = dz ⊙ z(1 − z) ⊙ clip′(pre_z)
   * hRec (B, H) = h̃ and dRh (B, H) = d(r ⊙ h̃) are read in the original form only.
   */
  gruGatesBackward(
    B: number,
    H: number,
    dh: Floats,
    hPrev: Floats,
    hRec: Floats,
    hp: Floats,
    pre: Floats,
    act: Floats,
    dRh: Floats,
    dXP: Floats,
    dHP: Floats,
    clip: number,
    linearBeforeReset: boolean,
  ): void;

  /**
   * GRU step, backward, the gradient into h_{t−1} (after the product dhRec = dHP · W_hh):
   *   dhPrev (B, H) = dh ⊙ z + (dhRec + (linearBeforeReset ? 0 : dRh ⊙ r)) ⊙ m
   * mask (B, H) = m, or null for none; dRh is read in the original form only.
   */
  gruStateBackward(
    B: number,
    H: number,
    dh: Floats,
    act: Floats,
    dhRec: Floats,
    dRh: Floats,
    mask: Floats | null,
    dhPrev: Floats,
    linearBeforeReset: boolean,
  ): void;

  /** RNN step, forward: h (B, H) = f(clip pre), f = relu ? max(0, ·) : tanh; pre (B, H) the summed products. */
  rnnCellForward(B: number, H: number, pre: Floats, h: Floats, relu: boolean, clip: number): void;

  /**
   * RNN step, backward: dPre (B, H) = dh ⊙ f′ ⊙ clip′(pre), with f′ = 1 − h² for tanh and
   * (clip pre > 0 ? 1 : 0) for relu; dh (B, H) the total gradient into h_t, h (B, H) the forward's.
   */
  rnnCellBackward(
    B: number,
    H: number,
    dh: Floats,
    pre: Floats,
    h: Floats,
    dPre: Floats,
    relu: boolean,
    clip: number,
  ): void;

  /**
   * Optional: one GRU layer's recurrence over T steps in one call (σ, tanh), for backends that
   * gain by keeping each step's work together (the native addon: one barrier per step). After the
   * caller's input projection xp (T, B, 3H), it must compute exactly what the separate calls do:
   *   for t < T: hp_t = b_hh + (h_t ⊙ m) · W_hhᵀ (fillRows, then the product), gruGatesForward,
   *              gruCandidateForward → h_{t+1}, then rows past their length carry h_t
   * wHh (3H, H) as stored; packedWhh = packB(true, H, 3H, wHh), or null for a single step, where
   * the separate call reads W in place; bHh (3H); hp, pre, act (T, B, 3H) out; h (T + 1, B, H)
   * with h_0 set; lengths (B) or null; recMask m (B, H) or null, and then hRec (T, B, H) out, the
   * operands h_t ⊙ m. Returns false, having written nothing, for what it leaves to the separate
   * calls (the original form among them).
   */
  gruLayerForward?(
    T: number,
    B: number,
    H: number,
    xp: Floats,
    wHh: Floats,
    packedWhh: Floats | null,
    bHh: Floats,
    hp: Floats,
    pre: Floats,
    act: Floats,
    h: Floats,
    lengths: Int32Array | null,
    recMask: Floats | null,
    hRec: Floats | null,
    clip: number,
    linearBeforeReset: boolean,
  ): boolean;

  /**
   * Optional: one layer of the LSTM with options (lengths, recurrent dropout, peepholes, clip,
   * coupled gates; no projection) over T steps in one call, as gruLayerForward, input products
   * included (as lstmLayerForward). It must compute exactly what the separate calls in
   * src/nn/cells/lstm-cell.ts compute (the input projection bias + x · W_ihᵀ first, then):
   *   for t < T: on the rows from the first to the last still running, pre_t = bias + x_t · W_ihᵀ
   *              + (h_t ⊙ m) · W_hhᵀ, then lstmCellOptionsForward → c_{t+1}, h_{t+1}, hAct_t;
   *              rows past their length carry h and c (their pre is left unwritten)
   * x (T, B, D); wIh (4H, D), wHh (4H, H); packedWih = packB(true, D, 4H, wIh) and packedWhh =
   * packB(true, H, 4H, wHh), or both null for a single step; bias (4H) = b_ih + b_hh; pre, act
   * (T, B, 4H) out (act may be pre itself); h, c (T + 1, B, H) with h_0, c_0 set; hAct (T, B, H)
   * out; lengths, recMask and hRec as gruLayerForward's; peep (3H) or null. Returns false, having
   * written nothing, for what it leaves to the separate calls.
   */
  lstmOptionsLayerForward?(
    T: number,
    B: number,
    D: number,
    H: number,
    x: Floats,
    wIh: Floats,
    packedWih: Floats | null,
    bias: Floats,
    pre: Floats,
    act: Floats,
    wHh: Floats,
    packedWhh: Floats | null,
    h: Floats,
    c: Floats,
    hAct: Floats,
    lengths: Int32Array | null,
    recMask: Floats | null,
    hRec: Floats | null,
    peep: Floats | null,
    clip: number,
    inputForget: boolean,
  ): boolean;

  /**
   * Optional: the backward of that layer's steps in one call (the step loop of
   * lstmCellSequenceBackward in src/nn/cells/lstm-cell.ts, which it must match exactly), from
   * t = T − 1 down to 0: dh = dhNext + dy_t on the rows still running; lstmCellOptionsBackward on
   * the rows from the first to the last still running (an ended row among them with zero state
   * gradients) → dPre_t, dc; dhNext = (dPre_t · W_hh) ⊙ m; ended rows pass dh and dc through and
   * get a zero dPre_t. dy (T, B, H) or null; dhNext, dcNext (B, H) the gradients into h_T, c_T in
   * and into h_0, c_0 out; pre, act, c, hAct the forward's; packedWhhBack = packB(false, 4H, H,
   * wHh) or null (one step); dPre (T, B, 4H) out; dPeep (3H) accumulated, or null. Returns false,
   * having written nothing, for what it leaves to the separate calls.
   */
  lstmOptionsLayerBackward?(
    T: number,
    B: number,
    H: number,
    dy: Floats | null,
    dhNext: Floats,
    dcNext: Floats,
    pre: Floats,
    act: Floats,
    c: Floats,
    hAct: Floats,
    packedWhhBack: Floats | null,
    dPre: Floats,
    lengths: Int32Array | null,
    recMask: Floats | null,
    peep: Floats | null,
    clip: number,
    inputForget: boolean,
    dPeep: Floats | null,
  ): boolean;

  /**
   * Optional: one plain RNN layer (tanh or relu) over T steps in one call, as gruLayerForward.
   * After the caller's input projection pre (T, B, H) = bias + x · W_ihᵀ:
   *   for t < T: pre_t += (h_t ⊙ m) · W_hhᵀ, rnnCellForward → h_{t+1}, rows past their length carry h_t
   * wHh (H, H); packedWhh = packB(true, H, H, wHh) or null for a single step; h (T + 1, B, H) with
   * h_0 set; lengths, recMask and hRec as gruLayerForward's. Returns false, having written nothing,
   * for what it leaves to the separate calls.
   */
  rnnLayerForward?(
    T: number,
    B: number,
    H: number,
    pre: Floats,
    wHh: Floats,
    packedWhh: Floats | null,
    h: Floats,
    lengths: Int32Array | null,
    recMask: Floats | null,
    hRec: Floats | null,
    relu: boolean,
    clip: number,
  ): boolean;

  /**
   * Optional: one decoder step of dot-product attention (Luong dot and general; src/nn/attention.ts
   * computes the same without it). q (B, Hk), keys K (Ts, B, Hk), memory M (Ts, B, Hm), lengths (B):
   *   s[b, j] = q[b] · K[j, b] for j < lengths[b]; alpha (B, Ts) = softmax of each row over those
   *   positions, zero elsewhere (a row without positions all zero); context (B, Hm) = Σ_j α[b, j] M[j, b]
   */
  attentionForward?(
    Ts: number,
    B: number,
    Hk: number,
    Hm: number,
    q: Floats,
    K: Floats,
    M: Floats,
    lengths: Int32Array,
    alpha: Floats,
    context: Floats,
  ): void;

  /**
   * Optional: attentionForward's backward from dContext (B, Hm): dM += α dc per row; dScores (B, Ts)
   * = α ⊙ (dα − Σ α dα) with dα[b, j] = dc[b] · M[j, b]; dQuery (B, Hk) = Σ_j ds K[j, b] (written);
   * dK += ds q per row. For dot attention K is M and dK may be dM.
   */
  attentionBackward?(
    Ts: number,
    B: number,
    Hk: number,
    Hm: number,
    q: Floats,
    K: Floats,
    M: Floats,
    alpha: Floats,
    dContext: Floats,
    dScores: Floats,
    dQuery: Floats,
    dK: Floats,
    dM: Floats,
  ): void;
}

/** The kernels: every member of the interface but `name` and `dtype`. */
export type KernelMethod = Exclude<keyof Kernels, 'name' | 'dtype'>;

/** Kernel K's function type (the optional ones included). */
export type KernelFunction<K extends KernelMethod> = NonNullable<Kernels[K]>;

/** Kernel K's parameters, named and typed as the interface declares them. */
export type KernelArgs<K extends KernelMethod> = Parameters<KernelFunction<K>>;

/** gemm's parameters after transA and transB: a product of operands already laid out. */
export type GemmOperands = KernelArgs<'gemm'> extends [boolean, boolean, ...infer Rest] ? Rest : never;
