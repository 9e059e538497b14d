from plc import create_app

app = create_app()
