"""Keyed state from a KeyedProcessFunction: a running total per name.

Written exactly as a PyFlink program would be; only the imports say ``weir``.
"""

from weir.common.typeinfo import Types
from weir.datastream import StreamExecutionEnvironment
from weir.datastream.functions import KeyedProcessFunction, RuntimeContext
from weir.datastream.state import ValueStateDescriptor


class RunningTotal(KeyedProcessFunction):
    def __init__(self):
        self.total = None

    def open(self, runtime_context: RuntimeContext):
        self.total = runtime_context.get_state(ValueStateDescriptor("total", Types.DOUBLE()))

    def process_element(self, value, ctx: "KeyedProcessFunction.Context"):
        current = self.total.value() or 0.0
        current += value[1]
        self.total.update(current)
        yield ctx.get_current_key(), round(current, 2)


def main(parallelism: int = 1) -> None:
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(parallelism)
    payments = env.from_collection(
        [("alice", 12.5), ("bob", 3.0), ("alice", 7.25), ("carol", 1.0), ("bob", 4.5),
         ("alice", 0.25), ("carol", 2.0), ("bob", 10.0)],
        type_info=Types.TUPLE([Types.STRING(), Types.DOUBLE()]),
    )
    payments.key_by(lambda p: p[0]).process(RunningTotal()).print()
    env.execute("state access")


if __name__ == "__main__":
    import sys

    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
