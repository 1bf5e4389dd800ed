from weir.runtime.taskmanager.task_executor import main

main()
